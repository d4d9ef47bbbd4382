// The everyday path: state change + outbox row in one transaction → relay → broker → consumer whose
// effect and inbox row commit together; correlation ids follow the event; shutdown is graceful.
import { connect } from 'amqplib';
import { Registry } from 'prom-client';
import { currentContext, runWithContext } from '@runfleet/service-kit';
import { getQueue } from '@runfleet/test-infra';
import { createMessaging, pgExecutor, type Messaging } from '../../src';
import {
  createMessagingTestEnv,
  insertEffect,
  recordEffect,
  testLogger,
  testValidator,
  waitFor,
  type MessagingTestEnv,
  type TestData,
} from '../support/messaging-test-env';

jest.setTimeout(60_000);

let env: MessagingTestEnv;
let messaging: Messaging;
let registry: Registry;

beforeAll(async () => {
  env = await createMessagingTestEnv('msg_outbox_inbox');
});
afterAll(async () => {
  await env.drop();
});
beforeEach(() => {
  registry = new Registry();
  messaging = createMessaging({
    service: 'testsvc',
    amqpUrl: env.vhost.url,
    databaseUrl: env.db.url,
    logger: testLogger(),
    registry,
    validate: testValidator,
    retryDelaysMs: [200],
  });
});
afterEach(async () => {
  await messaging.close();
});

async function inTransaction<T>(fn: (sql: ReturnType<typeof pgExecutor>) => Promise<T>, commit = true): Promise<T> {
  const client = await env.pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(pgExecutor(client));
    await client.query(commit ? 'COMMIT' : 'ROLLBACK');
    if (commit) messaging.outboxCommitted();
    return result;
  } finally {
    client.release();
  }
}

async function effectsFor(id: string): Promise<{ correlation_id: string; causation_id: string | null }[]> {
  const { rows } = await env.pool.query('SELECT correlation_id, causation_id FROM effect WHERE message_id = $1', [id]);
  return rows;
}

test('an event committed with its state change is applied once by the consumer, under the producer’s correlation id', async () => {
  await messaging.consume({
    concern: 'happy',
    events: ['test.happy_path'],
    handler: async (envelope, { sql }) => {
      // The consumer's context is the producer's: log lines and further events carry it.
      const context = currentContext();
      await insertEffect(sql, envelope.id, (envelope.data as TestData).n, context!.correlationId, context!.causationId ?? null);
    },
  });
  messaging.startRelay({ pollIntervalMs: 200 });

  const envelope = await runWithContext({ correlationId: 'corr-happy-1' }, () =>
    inTransaction(async (sql) => {
      await sql.query('INSERT INTO business_row (id, n) VALUES (gen_random_uuid(), 1)', []);
      return messaging.emit(sql, 'test.happy_path', { n: 1 });
    }),
  );

  await waitFor(async () => (await effectsFor(envelope.id)).length > 0, { timeoutMs: 10_000, message: 'effect never applied' });
  expect(await effectsFor(envelope.id)).toEqual([{ correlation_id: 'corr-happy-1', causation_id: envelope.id }]);
  const { rows } = await env.pool.query('SELECT published_at FROM outbox_event WHERE id = $1', [envelope.id]);
  expect(rows[0].published_at).not.toBeNull();
});

test('an event written in a rolled-back transaction is never published', async () => {
  await messaging.consume({ concern: 'rollback', events: ['test.rolled_back', 'test.rollback_marker'], handler: recordEffect });
  messaging.startRelay({ pollIntervalMs: 200 });

  const doomed = await inTransaction((sql) => messaging.emit(sql, 'test.rolled_back', { n: 1 }), false);
  const marker = await inTransaction((sql) => messaging.emit(sql, 'test.rollback_marker', { n: 2 }));

  // The marker was committed after the rolled-back event: once it is applied, the other would have been too.
  await waitFor(async () => (await effectsFor(marker.id)).length === 1, { timeoutMs: 10_000, message: 'marker never applied' });
  expect(await effectsFor(doomed.id)).toEqual([]);
  const { rows } = await env.pool.query('SELECT count(*)::int AS n FROM outbox_event WHERE id = $1', [doomed.id]);
  expect(rows[0].n).toBe(0);
});

test('an event a handler emits names the handled message as its cause and keeps its correlation id', async () => {
  await messaging.consume({
    concern: 'first-step',
    events: ['test.first_step'],
    handler: async (_envelope, { sql }) => {
      await messaging.emit(sql, 'test.second_step', { n: 2 });
    },
  });
  await messaging.consume({ concern: 'second-step', events: ['test.second_step'], handler: recordEffect });
  messaging.startRelay({ pollIntervalMs: 200 });

  const first = await runWithContext({ correlationId: 'corr-chain' }, () =>
    inTransaction((sql) => messaging.emit(sql, 'test.first_step', { n: 1 })),
  );

  await waitFor(
    async () => (await env.pool.query("SELECT 1 FROM effect WHERE correlation_id = 'corr-chain'")).rowCount === 1,
    { timeoutMs: 10_000, message: 'second step never applied' },
  );
  const { rows } = await env.pool.query("SELECT causation_id FROM effect WHERE correlation_id = 'corr-chain'");
  expect(rows).toEqual([{ causation_id: first.id }]);
});

test('an event no queue is bound for is counted as unroutable instead of vanishing silently', async () => {
  messaging.startRelay({ pollIntervalMs: 200 });
  const lonely = await inTransaction((sql) => messaging.emit(sql, 'test.nobody_listens', { n: 1 }));

  await waitFor(
    async () => (await registry.getSingleMetricAsString('runfleet_publish_unroutable_total')).includes('routing_key="test.nobody_listens"} 1'),
    { timeoutMs: 10_000, message: async () => `metric: ${await registry.getSingleMetricAsString('runfleet_publish_unroutable_total')}` },
  );
  // It still counts as published: the broker confirmed it; the log and the metric tell the operator.
  await waitFor(
    async () => (await env.pool.query('SELECT 1 FROM outbox_event WHERE id = $1 AND published_at IS NOT NULL', [lonely.id])).rowCount === 1,
    { timeoutMs: 5_000, message: 'the returned event was not marked published' },
  );
});

test('a consumer declares its quorum queue, retry queue and dead-letter queue with the documented arguments', async () => {
  await messaging.consume({ concern: 'declared', events: ['test.declared'], handler: recordEffect });
  const main = await getQueue(env.vhost.name, 'testsvc.declared');
  const retry = await getQueue(env.vhost.name, 'testsvc.declared.retry.200ms');
  const dead = await getQueue(env.vhost.name, 'testsvc.declared.dead');
  expect(main?.arguments).toEqual({
    'x-queue-type': 'quorum',
    'x-delivery-limit': 10,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': 'testsvc.declared.dead',
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  });
  expect(retry?.arguments).toMatchObject({
    'x-queue-type': 'quorum',
    'x-message-ttl': 200,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': 'testsvc.declared',
  });
  expect(dead?.arguments).toEqual({ 'x-queue-type': 'quorum', 'x-delivery-limit': 1_000_000 });
});

test('closing while messages are being handled finishes and acks them; the rest stay queued', async () => {
  let started = 0;
  await messaging.consume({
    concern: 'shutdown',
    events: ['test.shutdown'],
    batchSize: 5,
    handler: async (envelope, ctx) => {
      started += 1;
      await new Promise((r) => setTimeout(r, 50));
      await recordEffect(envelope, ctx);
    },
  });
  messaging.startRelay({ pollIntervalMs: 200 });
  await inTransaction(async (sql) => {
    for (let n = 0; n < 100; n++) await messaging.emit(sql, 'test.shutdown', { n });
  });
  await waitFor(() => started > 0, { timeoutMs: 10_000, message: 'no message was handled' });

  await messaging.close();

  const { rows } = await env.pool.query(
    `SELECT count(*)::int AS total, count(DISTINCT e.message_id)::int AS distinct
     FROM effect e JOIN outbox_event o ON o.id = e.message_id WHERE o.type = 'test.shutdown'`,
  );
  const { total, distinct } = rows[0];
  const connection = await connect(env.vhost.url);
  try {
    const channel = await connection.createChannel();
    const { messageCount } = await channel.checkQueue('testsvc.shutdown');
    // Every message is either applied (and acked: not back in the queue) or still queued — none both.
    expect(total).toBe(distinct);
    expect(total).toBeGreaterThan(0);
    expect(total + messageCount).toBe(100);
  } finally {
    await connection.close();
  }
});
