// A failing handler (issue 3): a transient failure is retried on the delay schedule and then
// succeeds; a permanent one is dead-lettered after the last retry with its attempts recorded.
import { Registry } from 'prom-client';
import { createMessaging, listDeadLetters, pgExecutor, type Messaging } from '../../src';
import {
  createMessagingTestEnv,
  recordEffect,
  testLogger,
  testValidator,
  waitFor,
  type MessagingTestEnv,
} from '../support/messaging-test-env';

jest.setTimeout(60_000);

const DELAYS = [300, 600, 900];
let env: MessagingTestEnv;
let messaging: Messaging;
let registry: Registry;

beforeAll(async () => {
  env = await createMessagingTestEnv('msg_retries');
  registry = new Registry();
  messaging = createMessaging({
    service: 'retrysvc',
    amqpUrl: env.vhost.url,
    databaseUrl: env.db.url,
    logger: testLogger(),
    registry,
    validate: testValidator,
    retryDelaysMs: DELAYS,
  });
  messaging.startRelay({ pollIntervalMs: 200 });
});
afterAll(async () => {
  await messaging.close();
  await env.drop();
});

async function emit(type: string, n: number): Promise<string> {
  const client = await env.pool.connect();
  try {
    await client.query('BEGIN');
    const envelope = await messaging.emit(pgExecutor(client), type, { n });
    await client.query('COMMIT');
    messaging.outboxCommitted();
    return envelope.id;
  } finally {
    client.release();
  }
}

async function metricValue(name: string, queue: string): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (metric?.values ?? []).filter((v) => v.labels.queue === queue).reduce((sum, v) => sum + v.value, 0);
}

test('a handler failing twice is retried after 300 ms and 600 ms, then its effect is applied once', async () => {
  const tries: { attempt: number; at: number }[] = [];
  await messaging.consume({
    concern: 'flaky',
    events: ['test.flaky'],
    handler: async (envelope, ctx) => {
      tries.push({ attempt: ctx.attempt, at: Date.now() });
      if (ctx.attempt < 3) throw new Error('downstream briefly unavailable');
      await recordEffect(envelope, ctx);
    },
  });

  const id = await emit('test.flaky', 1);

  await waitFor(async () => (await env.pool.query('SELECT 1 FROM effect WHERE message_id = $1', [id])).rowCount === 1, {
    timeoutMs: 15_000,
    message: () => `effect not applied; tries: ${JSON.stringify(tries)}`,
  });
  expect(tries.map((t) => t.attempt)).toEqual([1, 2, 3]);
  const gaps = [tries[1]!.at - tries[0]!.at, tries[2]!.at - tries[1]!.at];
  // Each wait is the retry queue's TTL; the upper bound allows for the broker's expiry sweep.
  expect(gaps[0]).toBeGreaterThanOrEqual(DELAYS[0]! - 20);
  expect(gaps[0]).toBeLessThan(DELAYS[0]! + 1_500);
  expect(gaps[1]).toBeGreaterThanOrEqual(DELAYS[1]! - 20);
  expect(gaps[1]).toBeLessThan(DELAYS[1]! + 1_500);
  expect(await metricValue('runfleet_consumer_retries_total', 'retrysvc.flaky')).toBe(2);
  expect(await listDeadLetters(env.vhost.url, 'retrysvc.flaky')).toEqual([]);
});

test('a handler that always fails is dead-lettered after the last retry with reason, attempts and first-failure time', async () => {
  const tries: number[] = [];
  await messaging.consume({
    concern: 'doomed',
    events: ['test.doomed'],
    handler: async () => {
      tries.push(Date.now());
      throw new Error('customer 42 does not exist');
    },
  });

  const id = await emit('test.doomed', 1);

  await waitFor(async () => (await listDeadLetters(env.vhost.url, 'retrysvc.doomed')).length === 1, {
    timeoutMs: 20_000,
    message: () => `not dead-lettered; ${tries.length} tries`,
  });
  const [dead] = await listDeadLetters(env.vhost.url, 'retrysvc.doomed');
  expect(dead).toMatchObject({
    messageId: id,
    type: 'test.doomed',
    reason: 'HANDLER_FAILED',
    error: 'customer 42 does not exist',
    attempts: 4,
    originalQueue: 'retrysvc.doomed',
  });
  expect(tries).toHaveLength(1 + DELAYS.length);
  expect(Math.abs(Date.parse(dead!.firstFailureAt!) - tries[0]!)).toBeLessThan(1_000);
  expect(Date.parse(dead!.deadLetteredAt!)).toBeGreaterThanOrEqual(Date.parse(dead!.firstFailureAt!));
  expect(await metricValue('runfleet_consumer_retries_total', 'retrysvc.doomed')).toBe(DELAYS.length);
  expect(await metricValue('runfleet_consumer_dead_letters_total', 'retrysvc.doomed')).toBe(1);
  expect((await env.pool.query('SELECT 1 FROM effect WHERE message_id = $1', [id])).rowCount).toBe(0);
});
