// A consumer process killed with SIGKILL while it holds unacked messages (issue 3): the broker
// redelivers all of them to the replacement and the inbox keeps every effect exactly once.
import { Registry } from 'prom-client';
import { waitForStableCount } from '@runfleet/test-infra';
import { createMessaging, pgExecutor, type Messaging } from '../../src';
import { exited, forkFixture } from '../support/child-process';
import {
  createMessagingTestEnv,
  recordEffect,
  testLogger,
  testValidator,
  waitFor,
  type MessagingTestEnv,
} from '../support/messaging-test-env';

jest.setTimeout(60_000);

const EVENTS = 2_000;
let env: MessagingTestEnv;
let producer: Messaging;

beforeAll(async () => {
  env = await createMessagingTestEnv('msg_consumer_crash');
  producer = createMessaging({ service: 'producer', amqpUrl: env.vhost.url, databaseUrl: env.db.url, logger: testLogger(), validate: testValidator });
  producer.startRelay({ pollIntervalMs: 200 });
});
afterAll(async () => {
  await producer.close();
  await env.drop();
});

async function produce(type: string, count: number): Promise<void> {
  for (let from = 0; from < count; from += 100) {
    const client = await env.pool.connect();
    try {
      await client.query('BEGIN');
      const envelopes = Array.from({ length: Math.min(100, count - from) }, (_, i) => producer.envelope(type, { n: from + i }));
      await producer.writeOutbox(pgExecutor(client), envelopes);
      await client.query('COMMIT');
      producer.outboxCommitted();
    } finally {
      client.release();
    }
  }
}

async function effectsOf(type: string): Promise<{ total: number; distinct: number }> {
  const { rows } = await env.pool.query(
    `SELECT count(*)::int AS total, count(DISTINCT e.message_id)::int AS distinct
     FROM effect e JOIN outbox_event o ON o.id = e.message_id WHERE o.type = $1`,
    [type],
  );
  return rows[0];
}

/** The replacement consumer, in this process, with metrics to tell redeliveries and duplicates apart. */
async function replacementConsumer(concern: string, type: string): Promise<{ messaging: Messaging; registry: Registry; redelivered: () => number }> {
  const registry = new Registry();
  let redelivered = 0;
  const messaging = createMessaging({ service: 'crashsvc', amqpUrl: env.vhost.url, databaseUrl: env.db.url, logger: testLogger(), registry, validate: testValidator });
  await messaging.consume({
    concern,
    events: [type],
    handler: async (envelope, ctx) => {
      if (ctx.redelivered) redelivered += 1;
      await recordEffect(envelope, ctx);
    },
  });
  return { messaging, registry, redelivered: () => redelivered };
}

async function duplicates(registry: Registry, queue: string): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === 'runfleet_consumer_messages_total');
  return metric?.values.find((v) => v.labels.queue === queue && v.labels.outcome === 'duplicate')?.value ?? 0;
}

const consumerConfig = (concern: string, type: string) => ({
  role: 'consumer' as const,
  amqpUrl: env.vhost.url,
  databaseUrl: env.db.url,
  service: 'crashsvc',
  concern,
  events: [type],
  handlerDelayMs: 1,
  batchSize: 50,
  prefetch: 200,
});

test('a consumer killed after committing a batch but before acking it: the batch is redelivered and applied only once', async () => {
  const fixture = forkFixture();
  await fixture.start({ ...consumerConfig('after-commit', 'test.after_commit'), killAfterCommitOfN: 700 });
  await produce('test.after_commit', EVENTS);

  expect(await exited(fixture)).toBe('SIGKILL');
  const before = await effectsOf('test.after_commit');
  expect(before.total).toBeGreaterThanOrEqual(700);
  expect(before.total).toBeLessThan(EVENTS);

  const replacement = await replacementConsumer('after-commit', 'test.after_commit');
  try {
    // Stable for 2 s: a late duplicate (the redelivered, already committed batch) would show.
    const effects = await waitForStableCount(() => effectsOf('test.after_commit'), { atLeast: EVENTS, stableMs: 2_000 });
    expect(effects).toEqual({ total: EVENTS, distinct: EVENTS });
    // The committed-but-unacked batch came back and was recognised by the inbox.
    expect(await duplicates(replacement.registry, 'crashsvc.after-commit')).toBeGreaterThan(0);
  } finally {
    await replacement.messaging.close();
  }
});

test('a consumer killed at a random moment while holding unacked messages: all are redelivered, each applied exactly once', async () => {
  const fixture = forkFixture();
  await fixture.start(consumerConfig('random-kill', 'test.random_kill'));
  await produce('test.random_kill', EVENTS);
  const killAt = 300 + Math.floor(Math.random() * 900);
  await waitFor(async () => (await effectsOf('test.random_kill')).total >= killAt, { timeoutMs: 30_000, message: 'consumer made no progress' });
  await fixture.kill();
  expect((await effectsOf('test.random_kill')).total).toBeLessThan(EVENTS);

  const replacement = await replacementConsumer('random-kill', 'test.random_kill');
  try {
    const effects = await waitForStableCount(() => effectsOf('test.random_kill'), { atLeast: EVENTS, stableMs: 2_000 });
    expect(effects).toEqual({ total: EVENTS, distinct: EVENTS });
    // It held a prefetch window of unacked messages when it died; they came back marked redelivered.
    expect(replacement.redelivered() + (await duplicates(replacement.registry, 'crashsvc.random-kill'))).toBeGreaterThan(0);
  } finally {
    await replacement.messaging.close();
  }
});
