// PostgreSQL restarted mid-stream (issue 3). Restarting the machine's PostgreSQL would hit every
// other suite, so the restart is simulated the way clients experience one: every backend connected
// to this test's database is terminated (pg_terminate_backend), twice, while events flow. The relay
// and the consumer must recover on their own — no restart — and lose or double nothing. The producer
// is a separate messaging instance without a relay, as in another process: it wakes the relay by
// NOTIFY, so the relay's LISTEN connection has to come back too.
import { Client } from 'pg';
import { PG_ADMIN_URL, waitForStableCount } from '@runfleet/test-infra';
import { checkOut, createMessaging, pgExecutor, type Messaging } from '../../src';
import {
  createMessagingTestEnv,
  recordEffect,
  sleep,
  testLogger,
  testValidator,
  waitFor,
  type MessagingTestEnv,
} from '../support/messaging-test-env';

jest.setTimeout(60_000);

const EVENTS = 3_000;
const PER_TX = 10;
// Long on purpose: once connections are back, only a re-established LISTEN explains prompt delivery.
const POLL_MS = 5_000;
let env: MessagingTestEnv;
let messaging: Messaging;
let producer: Messaging;

beforeAll(async () => {
  env = await createMessagingTestEnv('msg_db_restart');
  const options = { service: 'dbsvc', amqpUrl: env.vhost.url, databaseUrl: env.db.url, logger: testLogger(), validate: testValidator };
  messaging = createMessaging(options);
  await messaging.consume({ concern: 'effects', events: ['test.db_restart'], handler: recordEffect, batchSize: 50 });
  messaging.startRelay({ pollIntervalMs: POLL_MS, batchSize: 100 });
  producer = createMessaging(options);
});
afterAll(async () => {
  await producer.close();
  await messaging.close();
  await env.drop();
});

async function terminateEveryConnection(): Promise<number> {
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query(
      'SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [env.db.name],
    );
    return rows[0].n;
  } finally {
    await admin.end();
  }
}

/** A producer that, like a client of a real service, retries a transaction that failed with the connection. */
async function produceBatch(n0: number): Promise<void> {
  const envelopes = Array.from({ length: PER_TX }, (_, i) => producer.envelope('test.db_restart', { n: n0 + i }));
  for (;;) {
    try {
      const { client, release } = await checkOut(env.pool);
      try {
        await client.query('BEGIN');
        await producer.writeOutbox(pgExecutor(client), envelopes);
        await client.query('COMMIT');
        release();
        producer.outboxCommitted();
        return;
      } catch (err) {
        release(err as Error);
        // The COMMIT may have gone through before the connection died: the ids tell.
        if ((err as { code?: string }).code === '23505') return;
        throw err;
      }
    } catch {
      await sleep(50);
    }
  }
}

test('terminating every database connection twice mid-stream: relay and consumer recover by themselves, every effect exactly once', async () => {
  const producing = (async () => {
    for (let n = 0; n < EVENTS; n += PER_TX) {
      await produceBatch(n);
      await sleep(8);
    }
  })();
  let terminated = 0;
  for (const atEffects of [600, 1_500]) {
    await waitFor(async () => (await env.effects().catch(() => ({ total: 0 }))).total >= atEffects, {
      timeoutMs: 30_000,
      message: `stalled before ${atEffects} effects`,
    });
    terminated += await terminateEveryConnection();
  }
  await producing;
  // The relay's LISTEN, its pool and the consumers' pool were all among the victims.
  expect(terminated).toBeGreaterThanOrEqual(6);

  // Stable for 2 s: a late duplicate (a batch redelivered after its connection died) would show.
  expect(await waitForStableCount(() => env.effects(), { atLeast: EVENTS, stableMs: 2_000 })).toEqual({ total: EVENTS, distinct: EVENTS });
  const { rows } = await env.pool.query('SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL');
  expect(rows[0].n).toBe(0);

  // The relay LISTENs again: a new event arrives well before the 5 s poll would find it.
  const startedAt = Date.now();
  await produceBatch(EVENTS);
  await waitFor(async () => (await env.effects()).total >= EVENTS + PER_TX, { timeoutMs: POLL_MS - 1_000, message: 'relay no longer wakes on NOTIFY' });
  expect(Date.now() - startedAt).toBeLessThan(POLL_MS - 1_000);
});
