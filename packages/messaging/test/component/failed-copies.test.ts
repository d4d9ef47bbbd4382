// A retry copy the broker refuses (issue 13 item 7): when copying a failed message to its retry or
// dead-letter queue fails, the original must not stay unacked on an open channel — each one holds a
// prefetch slot, and a handful of them stall the consumer for good. Here the retry queue refuses
// every message (a max-length 0 policy: the broker nacks the copy) while 100 messages fail; the
// consumer, whose prefetch is 10, must go on handling the good messages queued behind them.
import { Registry } from 'prom-client';
import { getQueue, setQueuePolicy, waitForStableCount } from '@runfleet/test-infra';
import { connect } from 'amqplib';
import { createMessaging, listDeadLetters, type Messaging } from '../../src';
import { createMessagingTestEnv, recordEffect, testLogger, testValidator, type MessagingTestEnv, type TestData, waitFor } from '../support/messaging-test-env';

jest.setTimeout(90_000);

const FAILING = 100;
const GOOD = 50;
const DELIVERY_LIMIT = 3;
let env: MessagingTestEnv;
let messaging: Messaging;
let registry: Registry;

beforeAll(async () => {
  env = await createMessagingTestEnv('msg_failed_copies');
  registry = new Registry();
  messaging = createMessaging({
    service: 'copysvc',
    amqpUrl: env.vhost.url,
    databaseUrl: env.db.url,
    logger: testLogger(),
    registry,
    validate: testValidator,
    retryDelaysMs: [600_000],
    deliveryLimit: DELIVERY_LIMIT,
  });
  await messaging.publisher.waitForConnect();
});
afterAll(async () => {
  await messaging.close();
  await env.drop();
});

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const found = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (found?.values ?? []).filter((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value)).reduce((s, v) => s + v.value, 0);
}

/** true when the broker confirmed the message into `queue`, false when it refused it. */
async function sendConfirmed(queue: string, envelope: object): Promise<boolean> {
  const connection = await connect(env.vhost.url);
  try {
    const channel = await connection.createConfirmChannel();
    return await new Promise<boolean>((resolve) => {
      channel.sendToQueue(queue, Buffer.from(JSON.stringify(envelope)), { persistent: true }, (err) => resolve(!err));
    });
  } finally {
    await connection.close().catch(() => undefined);
  }
}

test('100 failed messages whose retry copy the broker refuses: the consumer does not stall, and they end in .dead', async () => {
  const declaring = await messaging.consume({ concern: 'stuck', events: ['test.copy_refused'], handler: recordEffect });
  await declaring.close();
  await setQueuePolicy(env.vhost.name, 'refuse-retries', '^copysvc\\.stuck\\.retry\\.', { 'max-length': 0, overflow: 'reject-publish' });
  const retryQueue = declaring.topology.retryQueues[0]!.name;
  // A quorum queue at max-length 0 still takes one message (it refuses once over the limit), so a
  // filler goes in first; its 10 min delay keeps it out of the way. From then on copies are refused.
  await waitFor(async () => (await getQueue(env.vhost.name, retryQueue))?.policy === 'refuse-retries', {
    timeoutMs: 10_000,
    message: 'the policy never applied to the retry queue',
  });
  await waitFor(async () => !(await sendConfirmed(retryQueue, messaging.envelope('test.copy_refused', { n: 999 }))), {
    timeoutMs: 10_000,
    message: 'the retry queue keeps accepting messages',
  });

  for (let n = 0; n < FAILING; n++) await messaging.publisher.publish(messaging.envelope('test.copy_refused', { n }));
  for (let n = 1_000; n < 1_000 + GOOD; n++) await messaging.publisher.publish(messaging.envelope('test.copy_refused', { n }));

  const failures: number[] = [];
  await messaging.consume({
    concern: 'stuck',
    events: ['test.copy_refused'],
    prefetch: 10,
    batchSize: 5,
    handler: async (envelope, ctx) => {
      const { n } = envelope.data as TestData;
      if (n < FAILING) {
        failures.push(n);
        throw new Error('downstream refuses this one');
      }
      await recordEffect(envelope, ctx);
    },
  });

  // Every good message is handled although 100 failures came first with a prefetch of 10.
  const effects = await waitForStableCount(() => env.effects(), { atLeast: GOOD, stableMs: 1_000, timeoutMs: 60_000 });
  expect(effects).toEqual({ total: GOOD, distinct: GOOD });
  expect(new Set(failures).size).toBe(FAILING);
  // Each failed copy returned its message to the queue; after the delivery limit the broker moved it to .dead.
  expect(await metric('runfleet_consumer_messages_total', { queue: 'copysvc.stuck', outcome: 'requeued' })).toBeGreaterThanOrEqual(FAILING);
  const dead = await waitForStableCount(async () => (await listDeadLetters(env.vhost.url, 'copysvc.stuck')).length, {
    atLeast: FAILING,
    stableMs: 1_000,
    timeoutMs: 30_000,
  });
  expect(dead).toBe(FAILING);
  expect(await metric('runfleet_consumer_retries_total', { queue: 'copysvc.stuck' })).toBe(0);
});

test('a deleted retry queue is declared again and the copy goes through', async () => {
  const consumer = await messaging.consume({
    concern: 'lost-retry',
    events: ['test.retry_queue_lost'],
    handler: async () => {
      throw new Error('always fails');
    },
  });
  const retryQueue = consumer.topology.retryQueues[0]!.name;
  const connection = await connect(env.vhost.url);
  try {
    const channel = await connection.createChannel();
    await channel.deleteQueue(retryQueue);
  } finally {
    await connection.close();
  }

  await messaging.publisher.publish(messaging.envelope('test.retry_queue_lost', { n: 1 }));

  const retried = await waitForStableCount(() => metric('runfleet_consumer_retries_total', { queue: 'copysvc.lost-retry' }), {
    atLeast: 1,
    stableMs: 500,
    timeoutMs: 20_000,
  });
  expect(retried).toBe(1);
  const check = await connect(env.vhost.url);
  try {
    const channel = await check.createChannel();
    expect((await channel.checkQueue(retryQueue)).messageCount).toBe(1);
  } finally {
    await check.close();
  }
});
