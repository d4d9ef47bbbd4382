// The reseller service's messaging on a real broker for tests (own vhost): its consumers, inbox and
// outbox relay as main.ts wires them, a billing stand-in that publishes billing's events, and an
// observer queue that records what reaches the exchange.
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { EVENTS_EXCHANGE, type Envelope, type EventData, type EventName } from '@runfleet/contracts';
import { createMessaging, type Messaging } from '@runfleet/messaging';
import { createLogger, createMetrics } from '@runfleet/service-kit';
import { createTestVhost, type TestVhost } from '@runfleet/test-infra';
import { consumeOrderPayments } from '../../src/messaging/order-payments.consumer';
import { consumeTierSales } from '../../src/messaging/tier-sales.consumer';
import type { World } from './world';

const silent = createLogger({ service: 'reseller', level: 'silent' });

export async function waitFor(condition: () => Promise<boolean> | boolean, message: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${message}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Broker {
  vhost: TestVhost;
  reseller: Messaging;
  /** publishes an event as billing would (producer 'billing'); returns its envelope */
  publishAsBilling<N extends EventName>(type: N, data: EventData<N>, options?: { id?: string; occurredAt?: Date }): Promise<Envelope>;
  /** republishes an envelope exactly (same id): a duplicate delivery */
  republish(envelope: Envelope): Promise<void>;
  /** envelopes of `type` that reached the exchange since the start */
  observed(type: string): Envelope[];
  /** how many messages a reseller consumer handled with this outcome (processed, duplicate, …) */
  consumed(queue: string, outcome: string): Promise<number>;
  /** runfleet_order_refunds_requested_total for this reason, as /metrics would show it */
  refundsRequested(reason: string): Promise<number>;
  /** the reseller messaging's log lines at warn and above, parsed */
  warnings(): Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startBroker(world: World, prefix: string): Promise<Broker> {
  const vhost = await createTestVhost(prefix);
  const registry = createMetrics('reseller').registry;
  // The reseller's warnings are kept: some are what an operator is meant to see (issue 13 item 3).
  const warnings: Record<string, unknown>[] = [];
  const warnLogger = createLogger({
    service: 'reseller',
    level: 'warn',
    destination: { write: (line: string) => void warnings.push(JSON.parse(line) as Record<string, unknown>) },
  });
  const reseller = createMessaging({
    service: 'reseller',
    amqpUrl: vhost.url,
    databaseUrl: world.db.url,
    logger: warnLogger,
    registry,
    retryDelaysMs: [200],
  });
  const billing = createMessaging({ service: 'billing', amqpUrl: vhost.url, logger: silent, registry: createMetrics('billing').registry });

  // The observer: a plain queue bound to every event name, read as messages arrive.
  const connection: ChannelModel = await connect(vhost.url);
  const channel: Channel = await connection.createChannel();
  await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, EVENTS_EXCHANGE, '#');
  const seen: Envelope[] = [];
  await channel.consume(queue, (msg) => {
    if (msg) seen.push(JSON.parse(msg.content.toString('utf8')) as Envelope);
  }, { noAck: true });

  await consumeOrderPayments(reseller, { prisma: world.prisma, now: world.clock.now, registry });
  await consumeTierSales(reseller, { prisma: world.prisma, now: world.clock.now, tierPolicy: world.tierPolicy });
  reseller.startRelay({ pollIntervalMs: 100 });
  await billing.publisher.waitForConnect();

  return {
    vhost,
    reseller,
    async publishAsBilling(type, data, options = {}) {
      const envelope = billing.envelope(type, data as never, { ...(options.id ? { id: options.id } : {}), ...(options.occurredAt ? { occurredAt: options.occurredAt } : {}) });
      await billing.publisher.publish(envelope);
      return envelope;
    },
    republish: (envelope) => billing.publisher.publish(envelope),
    observed: (type) => seen.filter((e) => e.type === type),
    async consumed(queueName, outcome) {
      const metric = await registry.getSingleMetric('runfleet_consumer_messages_total')?.get();
      return metric?.values.find((v) => v.labels.queue === queueName && v.labels.outcome === outcome)?.value ?? 0;
    },
    warnings: () => warnings,
    async refundsRequested(reason) {
      const metric = await registry.getSingleMetric('runfleet_order_refunds_requested_total')?.get();
      return metric?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
    },
    async close() {
      await reseller.close();
      await billing.close();
      await connection.close().catch(() => undefined);
      await vhost.drop();
    },
  };
}
