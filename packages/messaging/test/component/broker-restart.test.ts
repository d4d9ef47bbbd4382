// Broker restart (issue 3, issue 13 item 13): 6,000 events flow while RabbitMQ is stopped mid-stream
// (`rabbitmqctl stop_app` / `start_app`), for as long as it takes the relay to see publishes fail.
// No publish is left hanging more than 10 s, the failed ones are retried from the outbox, every
// event is delivered, and the consumer's database holds exactly 6,000 effects. The restart hits the
// whole broker, so this suite holds the machine-wide broker-restart lock while it runs, and always
// starts the broker again: in a finally, and in afterAll should the test time out mid-outage.
import { createMessaging, pgExecutor, type Messaging, type SerializedEnvelope } from '../../src';
import { waitForStableCount, withBrokerRestartLock } from '@runfleet/test-infra';
import { startBroker, stopBroker } from '../support/rabbitmq-control';
import {
  createMessagingTestEnv,
  recordEffect,
  sleep,
  testLogger,
  testValidator,
  waitFor,
  type MessagingTestEnv,
} from '../support/messaging-test-env';

jest.setTimeout(90_000);

const EVENTS = 6_000;
const PER_TX = 50;
let env: MessagingTestEnv;
let messaging: Messaging;
let brokerStopped = false;

beforeAll(async () => {
  env = await createMessagingTestEnv('msg_broker_restart');
  messaging = createMessaging({
    service: 'brokersvc',
    amqpUrl: env.vhost.url,
    databaseUrl: env.db.url,
    logger: testLogger(),
    validate: testValidator,
    publishTimeoutMs: 5_000,
    reconnectSeconds: 0.5,
  });
  await messaging.consume({ concern: 'effects', events: ['test.broker_restart'], handler: recordEffect, batchSize: 100 });
  messaging.startRelay({ pollIntervalMs: 500, batchSize: 200 });
});
afterAll(async () => {
  // The safety net: a timed-out test must not leave RabbitMQ stopped for every other suite.
  if (brokerStopped) await startBroker();
  await messaging.close();
  await env.drop();
});

test('6,000 events across a broker outage: no publish hangs past 10 s, all are delivered, exactly 6,000 effects', async () => {
  // Every publish the relay makes, with when it started and when it settled.
  const publishes: { startedAt: number; settledAt?: number; failed?: boolean }[] = [];
  const publish = messaging.publisher.publishSerialized.bind(messaging.publisher);
  messaging.publisher.publishSerialized = (envelope: SerializedEnvelope) => {
    const record: { startedAt: number; settledAt?: number; failed?: boolean } = { startedAt: Date.now() };
    publishes.push(record);
    const result = publish(envelope);
    result.then(
      () => (record.settledAt = Date.now()),
      () => {
        record.settledAt = Date.now();
        record.failed = true;
      },
    );
    return result;
  };

  await withBrokerRestartLock(async () => {
    let produced = 0;
    const producing = (async () => {
      for (let n = 0; n < EVENTS; n += PER_TX) {
        const client = await env.pool.connect();
        try {
          await client.query('BEGIN');
          const envelopes = Array.from({ length: PER_TX }, (_, i) => messaging.envelope('test.broker_restart', { n: n + i }));
          await messaging.writeOutbox(pgExecutor(client), envelopes);
          await client.query('COMMIT');
          produced += PER_TX;
          messaging.outboxCommitted();
        } finally {
          client.release();
        }
        await sleep(40);
      }
    })();
    // Stop mid-production (not once the relay may have published everything), so the relay has
    // rows to publish while the broker is down.
    await waitFor(async () => produced >= EVENTS / 4 && (await env.effects()).total >= 500, { timeoutMs: 20_000, message: 'no progress before the outage' });
    expect(produced).toBeLessThan(EVENTS);
    brokerStopped = true;
    await stopBroker();
    try {
      // Down for at least 3 s, and until the relay has seen publishes fail (the 5 s publish timeout
      // bounds that), so the retry path is exercised however quickly the broker comes back.
      await sleep(3_000);
      await waitFor(() => publishes.some((p) => p.failed), { timeoutMs: 20_000, message: 'no publish failed while the broker was down' });
    } finally {
      await startBroker();
      brokerStopped = false;
    }
    const restartedAt = Date.now();
    await producing;

    // Ten seconds after the broker is back, everything published before is settled (confirmed, or
    // rejected and left to the relay's retry)…
    await sleep(Math.max(0, restartedAt + 10_000 - Date.now()));
    const hanging = publishes.filter((p) => p.startedAt < restartedAt && p.settledAt === undefined);
    expect(hanging).toEqual([]);
  });

  await waitFor(async () => (await env.effects()).total >= EVENTS, {
    timeoutMs: 30_000,
    message: async () => `effects ${JSON.stringify(await env.effects())}`,
  });
  // Stable for 3 s: long enough for a late duplicate (a re-published row, a redelivery) to show.
  expect(await waitForStableCount(() => env.effects(), { atLeast: EVENTS, stableMs: 3_000 })).toEqual({ total: EVENTS, distinct: EVENTS });
  const { rows } = await env.pool.query('SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL');
  expect(rows[0].n).toBe(0);
  // The outage really failed publishes, and the relay published those rows on a later attempt.
  const { rows: retried } = await env.pool.query('SELECT count(*)::int AS n FROM outbox_event WHERE attempts > 0 AND published_at IS NOT NULL');
  expect(publishes.filter((p) => p.failed).length).toBeGreaterThan(0);
  expect(retried[0].n).toBeGreaterThan(0);
  // …and no publish ever waited longer than the 5 s publish timeout allows.
  expect(publishes.every((p) => p.settledAt !== undefined)).toBe(true);
  expect(Math.max(...publishes.map((p) => p.settledAt! - p.startedAt))).toBeLessThan(10_000);
});
