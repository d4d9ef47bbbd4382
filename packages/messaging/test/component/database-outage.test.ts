// A real PostgreSQL outage (issue 13 item 4): the consumer's database server is stopped for 6 s while
// messages keep arriving, then started again. Terminating backends (database-restart.test.ts) lets
// clients reconnect at once; a stopped postmaster refuses every connection for the whole outage,
// which is when an outage miscounted as a handler failure would burn retries and dead-letter
// messages. The server is this test's own (startOwnPostgres), never the machine's shared one.
import { Pool } from 'pg';
import { Registry } from 'prom-client';
import { createTestVhost, startOwnPostgres, waitForStableCount, type OwnPostgres, type TestVhost } from '@runfleet/test-infra';
import { createMessaging, listDeadLetters, type Messaging } from '../../src';
import { EFFECT_SQL, MESSAGING_SQL, recordEffect, sleep, testLogger, testValidator, waitFor } from '../support/messaging-test-env';

jest.setTimeout(120_000);

const BEFORE = 300;
const DURING = 200;
const OUTAGE_MS = 6_000;
let pg: OwnPostgres | undefined;
let vhost: TestVhost | undefined;
let pool: Pool | undefined;
let consumerSide: Messaging | undefined;
let producer: Messaging | undefined;
let registry: Registry;

beforeAll(async () => {
  pg = await startOwnPostgres();
  pool = new Pool({ connectionString: pg.url, max: 2 });
  pool.on('error', () => undefined);
  await pool.query(MESSAGING_SQL);
  await pool.query(EFFECT_SQL);
  vhost = await createTestVhost('msg_db_outage');
  registry = new Registry();
  consumerSide = createMessaging({
    service: 'outagesvc',
    amqpUrl: vhost.url,
    databaseUrl: pg.url,
    logger: testLogger(),
    registry,
    validate: testValidator,
    // short, so an outage counted as failures would reach .dead well within the outage
    retryDelaysMs: [100, 100],
  });
  await consumerSide.consume({
    concern: 'effects',
    events: ['test.db_outage'],
    batchSize: 20,
    handler: async (envelope, ctx) => {
      // slow enough that transactions are in flight when the server goes down
      await sleep(2);
      await recordEffect(envelope, ctx);
    },
  });
  // The producer publishes straight to the broker: its side has no database to lose.
  producer = createMessaging({ service: 'outageproducer', amqpUrl: vhost.url, logger: testLogger(), validate: testValidator });
  await producer.publisher.waitForConnect();
});

afterAll(async () => {
  try {
    await producer?.close();
    await consumerSide?.close();
    await pool?.end().catch(() => undefined);
    await vhost?.drop();
  } finally {
    await pg?.destroy();
  }
});

async function publish(from: number, count: number): Promise<void> {
  for (let n = from; n < from + count; n++) await producer!.publisher.publish(producer!.envelope('test.db_outage', { n }));
}

async function effects(): Promise<{ total: number; distinct: number }> {
  const { rows } = await pool!.query('SELECT count(*)::int AS total, count(DISTINCT message_id)::int AS distinct FROM effect');
  return rows[0];
}

async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  const found = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (found?.values ?? [])
    .filter((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value))
    .reduce((sum, v) => sum + v.value, 0);
}

test('PostgreSQL stopped for 6 s and started again: no message retried as a failure, none dead-lettered, every effect once', async () => {
  const publishing = publish(0, BEFORE);
  await waitFor(async () => (await effects()).total >= 50, { timeoutMs: 30_000, message: 'consumer made no progress' });

  await pg!.stop();
  const stoppedAt = Date.now();
  await publishing;
  await publish(BEFORE, DURING);
  // The consumer holds everything it received: nothing is retried or dead-lettered meanwhile.
  await sleep(Math.max(0, stoppedAt + OUTAGE_MS - Date.now()));
  const retriedDuringOutage = await metric('runfleet_consumer_retries_total');
  await pg!.start();

  const total = BEFORE + DURING;
  const final = await waitForStableCount(effects, { atLeast: total, stableMs: 2_000, timeoutMs: 60_000 });
  expect(final).toEqual({ total, distinct: total });
  expect(retriedDuringOutage).toBe(0);
  expect(await metric('runfleet_consumer_retries_total')).toBe(0);
  expect(await metric('runfleet_consumer_dead_letters_total')).toBe(0);
  expect(await metric('runfleet_consumer_messages_total', { outcome: 'retried' })).toBe(0);
  expect(await listDeadLetters(vhost!.url, 'outagesvc.effects')).toEqual([]);
});
