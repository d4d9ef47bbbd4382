// The registry's messaging on a real broker for tests (own vhost): its consumers, inbox and outbox
// relay as main.ts wires them, stand-ins that publish billing's and the reseller service's events,
// and an observer queue that records what reaches the exchange.
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { EVENTS_EXCHANGE, type Envelope, type EventData, type EventName } from '@runfleet/contracts';
import { createMessaging, type Messaging } from '@runfleet/messaging';
import { createLogger, createMetrics } from '@runfleet/service-kit';
import { createTestVhost, type TestVhost } from '@runfleet/test-infra';
import { consumeAccounts } from '../../src/messaging/accounts.consumer';
import { consumeHolds } from '../../src/messaging/holds.consumer';
import type { World } from './world';

const silent = createLogger({ service: 'runner-registry', level: 'silent' });

export interface Broker {
  vhost: TestVhost;
  registry: Messaging;
  /** publishes an event as billing would; returns its envelope */
  publishAsBilling<N extends EventName>(type: N, data: EventData<N>): Promise<Envelope>;
  /** publishes an event as the reseller service would */
  publishAsReseller<N extends EventName>(type: N, data: EventData<N>): Promise<Envelope>;
  /** republishes an envelope exactly (same id): a duplicate delivery */
  republish(envelope: Envelope): Promise<void>;
  observed(type: string): Envelope[];
  /** how many messages a registry consumer handled with this outcome (processed, duplicate, …) */
  consumed(queue: string, outcome: string): Promise<number>;
  close(): Promise<void>;
}

export async function startBroker(world: World, prefix: string): Promise<Broker> {
  const vhost = await createTestVhost(prefix);
  const registry = createMetrics('runner-registry').registry;
  const messaging = createMessaging({
    service: 'runner-registry',
    amqpUrl: vhost.url,
    databaseUrl: world.db.url,
    logger: silent,
    registry,
    retryDelaysMs: [200],
  });
  const billing = createMessaging({ service: 'billing', amqpUrl: vhost.url, logger: silent, registry: createMetrics('billing').registry });
  const reseller = createMessaging({ service: 'reseller', amqpUrl: vhost.url, logger: silent, registry: createMetrics('reseller').registry });

  const connection: ChannelModel = await connect(vhost.url);
  const channel: Channel = await connection.createChannel();
  await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, EVENTS_EXCHANGE, '#');
  const seen: Envelope[] = [];
  await channel.consume(queue, (msg) => {
    if (msg) seen.push(JSON.parse(msg.content.toString('utf8')) as Envelope);
  }, { noAck: true });

  await consumeAccounts(messaging, { prisma: world.prisma });
  await consumeHolds(messaging, { now: world.clock.now, queuedJobs: world.queuedJobs });
  messaging.startRelay({ pollIntervalMs: 100 });
  await billing.publisher.waitForConnect();
  await reseller.publisher.waitForConnect();

  return {
    vhost,
    registry: messaging,
    async publishAsBilling(type, data) {
      const envelope = billing.envelope(type, data as never);
      await billing.publisher.publish(envelope);
      return envelope;
    },
    async publishAsReseller(type, data) {
      const envelope = reseller.envelope(type, data as never);
      await reseller.publisher.publish(envelope);
      return envelope;
    },
    republish: (envelope) => billing.publisher.publish(envelope),
    observed: (type) => seen.filter((e) => e.type === type),
    async consumed(queueName, outcome) {
      const metric = await registry.getSingleMetric('runfleet_consumer_messages_total')?.get();
      return metric?.values.find((v) => v.labels.queue === queueName && v.labels.outcome === outcome)?.value ?? 0;
    },
    async close() {
      await messaging.close();
      await billing.close();
      await reseller.close();
      await connection.close().catch(() => undefined);
      await vhost.drop();
    },
  };
}
