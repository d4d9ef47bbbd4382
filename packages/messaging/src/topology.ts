// Exchange and queues of Runfleet's event bus (DESIGN.md §3), declared from the setup function of
// every channel so a reconnect re-declares them (STYLE.md habit 5). docs/messaging.md explains each
// argument for operators reading the management UI.
import type { Channel } from 'amqplib';
import {
  CONSUMER_QUEUES,
  EVENTS_EXCHANGE,
  SERVICE_NAMES,
  deadLetterQueueName,
  eventSchemas,
  findConsumerQueue,
  isEventName,
  queueName,
  queuesConsuming,
  type ConsumerQueueDefinition,
} from '@runfleet/contracts';

/** 1 s, 10 s, 1 min, 10 min: a blip clears in seconds, a deploy or failover in minutes. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1_000, 10_000, 60_000, 600_000];
/**
 * Deliveries a quorum queue allows before dead-lettering a message by itself. Our own retries are
 * counted in a header; this limit only catches messages that crash or hang the consumer process
 * (redelivered without ever reaching our retry path).
 */
export const DEFAULT_DELIVERY_LIMIT = 10;

export interface RetryQueue {
  name: string;
  delayMs: number;
}

export interface ConsumerTopology {
  exchange: string;
  /** `<service>.<concern>` */
  queue: string;
  /** event names bound to the queue (topic patterns allowed) */
  routingKeys: readonly string[];
  /** `<queue>.retry.<delay>`, one per delay, in schedule order */
  retryQueues: readonly RetryQueue[];
  /** `<queue>.dead` */
  deadQueue: string;
  deliveryLimit: number;
}

/** `1s`, `10s`, `1m`, `10m`, `250ms`: how a delay appears in a retry queue's name. */
export function delayLabel(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}

export function consumerTopology(
  service: string,
  concern: string,
  routingKeys: readonly string[],
  options: { retryDelaysMs?: readonly number[]; deliveryLimit?: number; exchange?: string } = {},
): ConsumerTopology {
  const queue = queueName(service, concern);
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  if (delays.some((d) => !Number.isInteger(d) || d <= 0)) throw new Error(`retry delays must be positive integers (ms): ${delays.join(', ')}`);
  return {
    exchange: options.exchange ?? EVENTS_EXCHANGE,
    queue,
    routingKeys,
    retryQueues: delays.map((delayMs) => ({ name: `${queue}.retry.${delayLabel(delayMs)}`, delayMs })),
    deadQueue: deadLetterQueueName(queue),
    deliveryLimit: options.deliveryLimit ?? DEFAULT_DELIVERY_LIMIT,
  };
}

export type TopologyOverrides = { retryDelaysMs?: readonly number[]; deliveryLimit?: number; exchange?: string };

/**
 * The topology of a queue of the contracts' map (packages/contracts consumer-queues.ts): the same
 * arguments whoever declares it — its consumer, a producer at boot, the topology CLI — since the
 * broker refuses a second declaration with other arguments (PRECONDITION_FAILED). Overrides are for
 * tests (retry delays in milliseconds).
 */
export function contractTopology(
  queue: ConsumerQueueDefinition & { service: string; concern: string },
  overrides: TopologyOverrides = {},
): ConsumerTopology {
  return consumerTopology(queue.service, queue.concern, queue.events, {
    exchange: overrides.exchange,
    retryDelaysMs: overrides.retryDelaysMs ?? queue.retryDelaysMs,
    deliveryLimit: overrides.deliveryLimit ?? queue.deliveryLimit,
  });
}

/**
 * The topology a consumer declares: its queue's entry in the contracts' map, whose bindings it must
 * repeat exactly (so a consumer cannot drift from what producers declare ahead). A queue outside the
 * map is allowed only for names that are not Runfleet services (tests' own topologies).
 */
export function consumerQueueTopology(
  service: string,
  concern: string,
  events: readonly string[],
  overrides: TopologyOverrides = {},
): ConsumerTopology {
  const queue = queueName(service, concern);
  const contract = findConsumerQueue(service, concern);
  if (!contract) {
    if ((SERVICE_NAMES as readonly string[]).includes(service)) {
      throw new Error(`queue ${queue} is not in packages/contracts consumer-queues.ts: add it there, so producers declare it before they publish`);
    }
    return consumerTopology(service, concern, events, overrides);
  }
  if (contract.planned) throw new Error(`queue ${queue} is planned in packages/contracts consumer-queues.ts: drop "planned" before consuming it`);
  const given = [...new Set(events)].sort();
  const declared = [...contract.events].sort();
  if (given.join() !== declared.join()) {
    throw new Error(`consumer of ${queue} binds [${given.join(', ')}] but packages/contracts binds [${declared.join(', ')}]: take the events from consumerQueue()`);
  }
  return contractTopology(contract, overrides);
}

/**
 * The declared (not planned) queues of the contracts: all of them, or with `producer` only those
 * bound to an event that service produces — what it must declare before it publishes.
 */
export function declaredTopologies(options: { producer?: string } = {}): ConsumerTopology[] {
  const { producer } = options;
  return CONSUMER_QUEUES.filter(
    (q) => !q.planned && (producer === undefined || q.events.some((event) => eventSchemas[event].producer === producer)),
  ).map((q) => contractTopology(q));
}

/** Whether the contracts declare a queue for `eventType`: then a publish no queue received must be retried, not dropped. */
export function hasDeclaredConsumer(eventType: string): boolean {
  return isEventName(eventType) && queuesConsuming(eventType).length > 0;
}

export async function assertEventsExchange(channel: Channel, exchange: string = EVENTS_EXCHANGE): Promise<void> {
  await channel.assertExchange(exchange, 'topic', { durable: true });
}

/** The arguments of the main queue, exported for docs and tests. */
export function mainQueueArguments(topology: ConsumerTopology): Record<string, unknown> {
  return {
    // replicated, durable, and the only type with a delivery limit
    'x-queue-type': 'quorum',
    'x-delivery-limit': topology.deliveryLimit,
    // past the delivery limit RabbitMQ moves the message to `<queue>.dead` itself
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': topology.deadQueue,
    // …and does so at-least-once (needs reject-publish overflow), so a crash-looping message is kept
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  };
}

export function retryQueueArguments(topology: ConsumerTopology, retry: RetryQueue): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    // every message waits exactly this long, then expires…
    'x-message-ttl': retry.delayMs,
    // …and RabbitMQ dead-letters it through the default exchange straight back to the main queue
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': topology.queue,
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  };
}

/**
 * Looking at a dead letter (the CLI, or "Get messages" with requeue in the management UI) counts as
 * a delivery on a quorum queue, and RabbitMQ 4 gives quorum queues a default limit of 20 after
 * which a message without a dead-letter target is dropped. The explicit, unreachable limit keeps
 * dead letters however often they are inspected.
 */
export const DEAD_QUEUE_DELIVERY_LIMIT = 1_000_000;

export function deadQueueArguments(): Record<string, unknown> {
  // Quorum: a dead letter is the only copy of an event that failed, so it is replicated like the
  // main queue. No TTL and no dead-lettering: it stays until an operator replays or purges it.
  return { 'x-queue-type': 'quorum', 'x-delivery-limit': DEAD_QUEUE_DELIVERY_LIMIT };
}

/** Declares each topology in turn (the exchange once per topology: cheap, and each stands alone). */
export async function assertTopologies(channel: Channel, topologies: readonly ConsumerTopology[]): Promise<void> {
  for (const topology of topologies) await assertConsumerTopology(channel, topology);
}

/** Declares the exchange, the main queue with its bindings, the retry queues and the dead-letter queue. */
export async function assertConsumerTopology(channel: Channel, topology: ConsumerTopology): Promise<void> {
  await assertEventsExchange(channel, topology.exchange);
  await channel.assertQueue(topology.deadQueue, { durable: true, arguments: deadQueueArguments() });
  await channel.assertQueue(topology.queue, { durable: true, arguments: mainQueueArguments(topology) });
  for (const retry of topology.retryQueues) {
    await channel.assertQueue(retry.name, { durable: true, arguments: retryQueueArguments(topology, retry) });
  }
  for (const key of topology.routingKeys) {
    await channel.bindQueue(topology.queue, topology.exchange, key);
  }
}
