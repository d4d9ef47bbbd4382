// Crash between commit and publish (issue 3): a producer process with its outbox relay is SIGKILLed
// at random moments, 100 times. After each restart every event committed before the kill is
// published within two relay intervals; at the end the consumer has applied exactly the committed
// events, once each, and nothing from a rolled-back transaction.
import { waitForStableCount } from '@runfleet/test-infra';
import { createMessaging, type Messaging } from '../../src';
import { forkFixture, type FixtureProcess } from '../support/child-process';
import {
  createMessagingTestEnv,
  recordEffect,
  sleep,
  testLogger,
  testValidator,
  waitFor,
  type MessagingTestEnv,
} from '../support/messaging-test-env';

// 100 process starts: ~80 s alone, up to 2 minutes or more beside another suite (npm test runs two at once)
jest.setTimeout(300_000);

const KILLS = Number(process.env.RELAY_CRASH_KILLS ?? 100);
const RELAY_INTERVAL_MS = 250;
let env: MessagingTestEnv;
let consumer: Messaging;

beforeAll(async () => {
  env = await createMessagingTestEnv('msg_relay_crash');
  consumer = createMessaging({ service: 'crashsvc', amqpUrl: env.vhost.url, databaseUrl: env.db.url, logger: testLogger(), validate: testValidator });
  await consumer.consume({ concern: 'orders', events: ['test.order_placed'], handler: recordEffect, batchSize: 100 });
});
afterAll(async () => {
  await consumer.close();
  await env.drop();
});

async function unpublishedBefore(at: Date): Promise<number> {
  const { rows } = await env.pool.query('SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL AND created_at < $1', [at]);
  return rows[0].n;
}

test(`a producer and its relay killed at random moments ${KILLS} times lose no committed event and publish none that was rolled back`, async () => {
  const config = {
    role: 'producer-relay' as const,
    amqpUrl: env.vhost.url,
    databaseUrl: env.db.url,
    service: 'ordersvc',
    pollIntervalMs: RELAY_INTERVAL_MS,
    batchSize: 20,
    rollbackRatio: 0.2,
  };
  const lateRestarts: string[] = [];
  // A warm spare has its modules loaded, so what is timed below is the restart itself.
  let spare: FixtureProcess = forkFixture();
  let current: FixtureProcess | null = null;
  try {
    for (let i = 0; i <= KILLS; i++) {
      current = spare;
      await current.loaded;
      spare = forkFixture();
      const restartedAt = new Date();
      await current.start(config);
      // The relay is up (connected, first drain started): from here it has two intervals.
      const relayUpAt = Date.now();
      if (i > 0) {
        // Everything committed before the kill (hence before this restart) must be out in time.
        const deadline = relayUpAt + 2 * RELAY_INTERVAL_MS;
        while ((await unpublishedBefore(restartedAt)) > 0) {
          if (Date.now() > deadline) {
            lateRestarts.push(
              `restart ${i}: ${await unpublishedBefore(restartedAt)} rows still unpublished ${Date.now() - relayUpAt} ms after the relay came up`,
            );
            break;
          }
          await sleep(10);
        }
      }
      if (i === KILLS) break;
      await sleep(Math.random() * 150);
      await current.kill();
    }
    expect(lateRestarts).toEqual([]);

    // Let the last producer run briefly, stop it, and let its rows drain to the consumer.
    await sleep(200);
    await current?.kill();
    current = forkFixture();
    await current.start({ ...config, rollbackRatio: 1 });
    await waitFor(async () => (await unpublishedBefore(new Date())) === 0, { timeoutMs: 10_000, message: 'outbox not drained' });
    const { rows: committed } = await env.pool.query('SELECT count(*)::int AS n FROM business_row');
    // Stable for 2 s: a row re-published after a kill, arriving late, would show as a second effect.
    const effects = await waitForStableCount(() => env.effects(), { atLeast: committed[0].n, stableMs: 2_000 });
    expect(effects).toEqual({ total: committed[0].n, distinct: committed[0].n });
    const { rows: strays } = await env.pool.query(
      `SELECT count(*)::int AS missing_effect FROM business_row b WHERE NOT EXISTS (SELECT 1 FROM effect e WHERE e.message_id = b.id)
       UNION ALL SELECT count(*)::int FROM effect e WHERE NOT EXISTS (SELECT 1 FROM business_row b WHERE b.id = e.message_id)`,
    );
    // no committed order without its effect; no effect without a committed order (rolled back)
    expect(strays.map((r) => r.missing_effect)).toEqual([0, 0]);
    expect(committed[0].n).toBeGreaterThan(KILLS);
  } finally {
    await Promise.all([current?.kill(), spare.kill()]);
  }
});
