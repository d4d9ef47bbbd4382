// The billing service's messaging on a real broker for tests (own vhost): its consumers, inbox and
// outbox relay as main.ts wires them, stand-ins that publish the reseller's and the runner
// registry's events, and an observer queue that records what reaches the exchange.
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { EVENTS_EXCHANGE, type Envelope, type EventData, type EventName } from '@runfleet/contracts';
import { createMessaging, type Messaging } from '@runfleet/messaging';
import { createLogger, createMetrics } from '@runfleet/service-kit';
import { createTestVhost, type TestVhost } from '@runfleet/test-infra';
import { wakingRelayAfterCommits } from '../../src/data/outbox.repository';
import { consumeJobs } from '../../src/messaging/jobs.consumer';
import { consumeOrders } from '../../src/messaging/orders.consumer';
import { consumeAccounts } from '../../src/messaging/accounts.consumer';
import { consumeCommissions } from '../../src/messaging/commissions.consumer';
import { DEFAULT_EARNINGS_POLICY } from '../../src/domain/use-case-deps';
import type { World } from './world';

const silent = createLogger({ service: 'billing', level: 'silent' });

export async function waitFor(condition: () => Promise<boolean> | boolean, message: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${message}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until `read()` has returned the same value for `stableMs` (a late duplicate would change it). */
export async function settled<T>(read: () => Promise<T>, stableMs = 1_500, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = JSON.stringify(await read(), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  let since = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    const value = await read();
    const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    if (text !== last) {
      last = text;
      since = Date.now();
    } else if (Date.now() - since >= stableMs) return value;
    if (Date.now() > deadline) throw new Error(`value did not settle within ${timeoutMs} ms`);
  }
}

export interface Broker {
  vhost: TestVhost;
  billing: Messaging;
  /** publishes an event as its producing service would; returns its envelope */
  publish<N extends EventName>(type: N, data: EventData<N>): Promise<Envelope>;
  /** republishes an envelope exactly (same id): a duplicate delivery */
  republish(envelope: Envelope): Promise<void>;
  /** envelopes of `type` that reached the exchange since the start */
  observed<N extends EventName>(type: N): (Envelope & { data: EventData<N> })[];
  /** how many messages a billing consumer handled with this outcome (processed, duplicate, …) */
  consumed(queue: string, outcome: string): Promise<number>;
  close(): Promise<void>;
}

export async function startBroker(world: World, prefix: string): Promise<Broker> {
  const vhost = await createTestVhost(prefix);
  const registry = createMetrics('billing').registry;
  const billing = createMessaging({ service: 'billing', amqpUrl: vhost.url, databaseUrl: world.db.url, logger: silent, registry, retryDelaysMs: [200] });
  const others = {
    reseller: createMessaging({ service: 'reseller', amqpUrl: vhost.url, logger: silent, registry: createMetrics('reseller').registry }),
    'runner-registry': createMessaging({ service: 'runner-registry', amqpUrl: vhost.url, logger: silent, registry: createMetrics('runner-registry').registry }),
  };

  const connection: ChannelModel = await connect(vhost.url);
  const channel: Channel = await connection.createChannel();
  await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, EVENTS_EXCHANGE, '#');
  const seen: Envelope[] = [];
  await channel.consume(queue, (msg) => {
    if (msg) seen.push(JSON.parse(msg.content.toString('utf8')) as Envelope);
  }, { noAck: true });

  billing.startRelay({ pollIntervalMs: 100 });
  const prisma = wakingRelayAfterCommits(world.prisma, () => billing.outboxCommitted());
  await consumeAccounts(billing, { prisma });
  await consumeJobs(billing, { now: world.clock.now, holdPolicy: { holdTtlMs: 3_600_000 } });
  await consumeOrders(billing, { prisma });
  await consumeCommissions(billing, { prisma, now: world.clock.now, earnings: DEFAULT_EARNINGS_POLICY });
  await Promise.all([...Object.values(others), billing].map((m) => m.publisher.waitForConnect()));

  // billing's own events (wallet.*) are published as billing would, for the commissions consumer
  const producerOf = (type: string) => (type.startsWith('job.') ? others['runner-registry'] : type.startsWith('wallet.') ? billing : others.reseller);
  return {
    vhost,
    billing,
    async publish(type, data) {
      const envelope = producerOf(type).envelope(type, data as never);
      await producerOf(type).publisher.publish(envelope);
      return envelope;
    },
    republish: (envelope) => producerOf(envelope.type).publisher.publish(envelope),
    observed: (type) => seen.filter((e) => e.type === type) as never,
    async consumed(queueName, outcome) {
      const metric = await registry.getSingleMetric('runfleet_consumer_messages_total')?.get();
      return metric?.values.find((v) => v.labels.queue === queueName && v.labels.outcome === outcome)?.value ?? 0;
    },
    async close() {
      await billing.close();
      await Promise.all(Object.values(others).map((m) => m.close()));
      await connection.close().catch(() => undefined);
      await vhost.drop();
    },
  };
}
