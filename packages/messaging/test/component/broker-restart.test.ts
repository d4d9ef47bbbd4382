// Broker restart (issue 3): 6,000 events flow while RabbitMQ is stopped for 3 s mid-stream
// (`rabbitmqctl stop_app` / `start_app`). No publish is left hanging more than 10 s, every event is
// delivered, and the consumer's database holds exactly 6,000 effects. The restart hits the whole
// broker, so this suite holds the machine-wide broker-restart lock while it runs.
import { createMessaging, pgExecutor, type Messaging, type SerializedEnvelope } from '../../src';
import { withBrokerRestartLock } from '@runfleet/test-infra';
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
  await messaging.close();
  await env.drop();
});

test('6,000 events across a 3 s broker outage: no publish hangs past 10 s, all are delivered, exactly 6,000 effects', async () => {
  // Every publish the relay makes, with when it started and when it settled.
  const publishes: { startedAt: number; settledAt?: number }[] = [];
  const publish = messaging.publisher.publishSerialized.bind(messaging.publisher);
  messaging.publisher.publishSerialized = (envelope: SerializedEnvelope) => {
    const record: { startedAt: number; settledAt?: number } = { startedAt: Date.now() };
    publishes.push(record);
    const result = publish(envelope);
    result.then(
      () => (record.settledAt = Date.now()),
      () => (record.settledAt = Date.now()),
    );
    return result;
  };

  await withBrokerRestartLock(async () => {
    const producing = (async () => {
      for (let n = 0; n < EVENTS; n += PER_TX) {
        const client = await env.pool.connect();
        try {
          await client.query('BEGIN');
          const envelopes = Array.from({ length: PER_TX }, (_, i) => messaging.envelope('test.broker_restart', { n: n + i }));
          await messaging.writeOutbox(pgExecutor(client), envelopes);
          await client.query('COMMIT');
          messaging.outboxCommitted();
        } finally {
          client.release();
        }
        await sleep(40);
      }
    })();
    await waitFor(async () => (await env.effects()).total >= 1_000, { timeoutMs: 20_000, message: 'no progress before the outage' });
    await stopBroker();
    await sleep(3_000);
    await startBroker();
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
  await sleep(500);
  expect(await env.effects()).toEqual({ total: EVENTS, distinct: EVENTS });
  const { rows } = await env.pool.query('SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL');
  expect(rows[0].n).toBe(0);
  // …and no publish ever waited longer than the 5 s publish timeout allows.
  expect(publishes.every((p) => p.settledAt !== undefined)).toBe(true);
  expect(Math.max(...publishes.map((p) => p.settledAt! - p.startedAt))).toBeLessThan(10_000);
});
