// Topology that does not depend on start-up order (issue 13 item 1, DESIGN.md §3, §6): a producer
// declares the contracts' queues of its events before it publishes, so order.created waits in
// billing.orders although billing never ran; an event whose declared queue is missing stays in the
// outbox and is retried until the queue is back; only an event nobody is declared to consume is
// dropped, and counted. The topology CLI and the services declare the same arguments, either first.
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { Registry } from 'prom-client';
import pino from 'pino';
import { EVENT_EXAMPLES, consumerQueue } from '@runfleet/contracts';
import { createTestVhost, type TestVhost } from '@runfleet/test-infra';
import { createMessaging, declaredTopologies, pgExecutor, type Messaging } from '../../src';
import { createMessagingTestEnv, testLogger, waitFor, type MessagingTestEnv } from '../support/messaging-test-env';
import { runTopologyCli } from '../support/run-cli';

jest.setTimeout(90_000);

let env: MessagingTestEnv;
let messaging: Messaging;
let registry: Registry;
let broker: ChannelModel;
let channel: Channel;

beforeAll(async () => {
  env = await createMessagingTestEnv('msg_topology_ahead');
  broker = await connect(env.vhost.url);
  broker.on('error', () => undefined);
  channel = await broker.createChannel();
  registry = new Registry();
  // The reseller as it boots: nothing else ever connected to this vhost.
  messaging = createMessaging({ service: 'reseller', amqpUrl: env.vhost.url, databaseUrl: env.db.url, logger: testLogger(), registry });
  messaging.startRelay({ pollIntervalMs: 50, retryBaseMs: 100, retryMaxMs: 300 });
});
afterAll(async () => {
  await messaging?.close();
  await broker?.close().catch(() => undefined);
  await env?.drop();
});

async function emitCommitted(type: 'order.created' | 'order.refund_requested' | 'runner.registered'): Promise<string> {
  const client = await env.pool.connect();
  try {
    await client.query('BEGIN');
    const envelope = await messaging.emit(pgExecutor(client), type, EVENT_EXAMPLES[type] as never);
    await client.query('COMMIT');
    messaging.outboxCommitted();
    return envelope.id;
  } finally {
    client.release();
  }
}

async function outboxRow(id: string): Promise<{ published: boolean; attempts: number; lastError: string | null }> {
  const { rows } = await env.pool.query<{ published_at: Date | null; attempts: number; last_error: string | null }>(
    'SELECT published_at, attempts, last_error FROM outbox_event WHERE id = $1',
    [id],
  );
  return { published: rows[0]!.published_at !== null, attempts: rows[0]!.attempts, lastError: rows[0]!.last_error };
}

/** Message ids waiting in `queue` (taken off it). */
async function drain(queue: string): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const message = await channel.get(queue, { noAck: true });
    if (!message) return ids;
    ids.push(String(message.properties.messageId));
  }
}

test('order.created published before billing ever connected waits in billing.orders', async () => {
  const id = await emitCommitted('order.created');
  await waitFor(async () => (await outboxRow(id)).published, { timeoutMs: 15_000, message: 'the relay to publish order.created' });
  expect(await drain('billing.orders')).toEqual([id]);
});

// order.refund_requested: billing.orders is its only queue (order.created also reaches notifications.deliveries,
// so with billing.orders gone it would still be routed somewhere and never returned).
test('with its declared queue gone, order.refund_requested stays in the outbox, its queue is declared again, and the retry delivers it', async () => {
  await channel.deleteQueue('billing.orders');
  const id = await emitCommitted('order.refund_requested');
  // The publisher declares the lost queue again when the broker returns the event; the retry from
  // the outbox then finds it.
  await waitFor(async () => (await outboxRow(id)).published, {
    timeoutMs: 15_000,
    message: async () => `the retried order.refund_requested to be published: ${JSON.stringify(await outboxRow(id))}`,
  });
  const row = await outboxRow(id);
  expect(row.attempts).toBeGreaterThanOrEqual(1);
  expect(row.lastError).toMatch(/no queue is bound for order\.refund_requested/);
  expect(await drain('billing.orders')).toEqual([id]);
});

test('an event no queue is declared for in the contracts is dropped, and counted', async () => {
  // runner.registered: no queue consumes it (notifications hears only runner.offline).
  const id = await emitCommitted('runner.registered');
  await waitFor(async () => (await outboxRow(id)).published, { timeoutMs: 15_000, message: 'runner.registered to be published' });
  await waitFor(async () => (await registry.getSingleMetricAsString('runfleet_publish_dropped_total')).includes('routing_key="runner.registered"} 1'), {
    timeoutMs: 5_000,
    message: async () => `metric: ${await registry.getSingleMetricAsString('runfleet_publish_dropped_total')}`,
  });
  expect((await outboxRow(id)).attempts).toBe(0);
});

describe('the topology CLI and the services declare the same queues, in either order', () => {
  let vhost: TestVhost;
  afterEach(async () => {
    await vhost?.drop();
  });

  /** A reseller (publisher + its consumers) on `url`, with its errors collected. */
  async function bootReseller(url: string): Promise<{ errors: string[]; close: () => Promise<void> }> {
    const errors: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => errors.push(line) });
    const service = createMessaging({ service: 'reseller', amqpUrl: url, databaseUrl: env.db.url, logger, registry: new Registry() });
    for (const concern of ['order-payments', 'tier-sales'] as const) {
      const queue = consumerQueue('reseller', concern);
      await service.consume({ concern, events: queue.events, handler: async () => undefined });
    }
    await service.publisher.waitForConnect();
    return { errors, close: () => service.close() };
  }

  async function queuesOf(url: string): Promise<string[]> {
    const connection = await connect(url);
    try {
      const found: string[] = [];
      for (const t of declaredTopologies()) {
        const ch = await connection.createChannel();
        ch.on('error', () => undefined);
        const exists = await ch.checkQueue(t.queue).then(
          () => true,
          () => false,
        );
        if (exists) found.push(t.queue);
        await ch.close().catch(() => undefined);
      }
      return found;
    } finally {
      await connection.close().catch(() => undefined);
    }
  }

  test('CLI first, then the service', async () => {
    vhost = await createTestVhost('msg_topology_cli_first');
    const cli = await runTopologyCli(['declare'], vhost.url);
    expect(cli).toMatchObject({ code: 0 });
    expect(cli.stdout).toContain('declared billing.orders');
    const reseller = await bootReseller(vhost.url);
    await reseller.close();
    expect(reseller.errors).toEqual([]);
    expect(await queuesOf(vhost.url)).toEqual(declaredTopologies().map((t) => t.queue));
  });

  test('the service first, then the CLI', async () => {
    vhost = await createTestVhost('msg_topology_service_first');
    const reseller = await bootReseller(vhost.url);
    const cli = await runTopologyCli(['declare'], vhost.url);
    await reseller.close();
    expect(cli).toMatchObject({ code: 0, stderr: '' });
    expect(reseller.errors).toEqual([]);
    expect(await queuesOf(vhost.url)).toEqual(declaredTopologies().map((t) => t.queue));
  });
});
