// A message that kills its consumer (issue 13 item 10): the handler never returns, so the retry path
// never runs; only the quorum queue's delivery limit (x-delivery-limit) stops the crash loop. After
// the limit RabbitMQ moves the message to `.dead` itself, and the restarted consumer goes on.
import { listDeadLetters, createMessaging, pgExecutor, type Messaging } from '../../src';
import { waitForStableCount } from '@runfleet/test-infra';
import { exited, forkFixture } from '../support/child-process';
import { createMessagingTestEnv, testLogger, testValidator, waitFor, type MessagingTestEnv } from '../support/messaging-test-env';

jest.setTimeout(120_000);

const DELIVERY_LIMIT = 3;
const CRASH_N = -1;
let env: MessagingTestEnv;
let producer: Messaging;

beforeAll(async () => {
  env = await createMessagingTestEnv('msg_delivery_limit');
  producer = createMessaging({ service: 'producer', amqpUrl: env.vhost.url, databaseUrl: env.db.url, logger: testLogger(), validate: testValidator });
  producer.startRelay({ pollIntervalMs: 200 });
});
afterAll(async () => {
  await producer.close();
  await env.drop();
});

async function produce(ns: number[]): Promise<string[]> {
  const client = await env.pool.connect();
  try {
    await client.query('BEGIN');
    const envelopes = ns.map((n) => producer.envelope('test.crash_loop', { n }));
    await producer.writeOutbox(pgExecutor(client), envelopes);
    await client.query('COMMIT');
    producer.outboxCommitted();
    return envelopes.map((e) => e.id);
  } finally {
    client.release();
  }
}

const config = {
  role: 'consumer' as const,
  service: 'loopsvc',
  concern: 'crash-loop',
  events: ['test.crash_loop'],
  handlerDelayMs: 0,
  batchSize: 10,
  prefetch: 20,
  crashOnN: CRASH_N,
  deliveryLimit: DELIVERY_LIMIT,
};

test(`a message that kills its consumer every time is dead-lettered by the broker after ${DELIVERY_LIMIT} redeliveries; the consumer then goes on`, async () => {
  // The queue must exist before the event is published.
  const declare = forkFixture();
  await declare.start({ ...config, amqpUrl: env.vhost.url, databaseUrl: env.db.url });
  await declare.kill();

  const [crashId] = await produce([CRASH_N]);
  // A supervisor restarting the consumer each time it dies, as a container orchestrator would.
  let crashes = 0;
  let dead = false;
  while (!dead) {
    const fixture = forkFixture();
    // It may die before it even reports ready.
    await fixture.start({ ...config, amqpUrl: env.vhost.url, databaseUrl: env.db.url }).catch(() => undefined);
    const outcome = await Promise.race([
      exited(fixture),
      waitFor(async () => (await listDeadLetters(env.vhost.url, 'loopsvc.crash-loop')).length > 0, { timeoutMs: 10_000, message: 'still looping' }).then(
        () => 'dead' as const,
        () => 'looping' as const,
      ),
    ]);
    if (outcome === 'SIGKILL') crashes += 1;
    else {
      dead = outcome === 'dead';
      await fixture.kill();
      if (!dead) throw new Error(`the consumer neither crashed nor dead-lettered the message (after ${crashes} crashes)`);
    }
    if (crashes > DELIVERY_LIMIT + 3) throw new Error(`still crash-looping after ${crashes} crashes`);
  }

  // One first delivery plus DELIVERY_LIMIT redeliveries, each fatal.
  expect(crashes).toBe(DELIVERY_LIMIT + 1);
  const [letter] = await listDeadLetters(env.vhost.url, 'loopsvc.crash-loop');
  expect(letter).toMatchObject({ messageId: crashId, reason: 'delivery_limit', originalQueue: 'loopsvc.crash-loop' });

  // The consumer, restarted once more, handles what comes next.
  const survivor = forkFixture();
  try {
    await survivor.start({ ...config, amqpUrl: env.vhost.url, databaseUrl: env.db.url });
    await produce(Array.from({ length: 50 }, (_, n) => n));
    expect(await waitForStableCount(() => env.effects(), { atLeast: 50, stableMs: 1_000 })).toEqual({ total: 50, distinct: 50 });
  } finally {
    await survivor.kill();
  }
});
