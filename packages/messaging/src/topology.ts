// Exchange and queues of Runfleet's event bus (DESIGN.md §3), declared from the setup function of
// every channel so a reconnect re-declares them (STYLE.md habit 5). docs/messaging.md explains each
// argument for operators reading the management UI.
import type { Channel } from 'amqplib';
import { EVENTS_EXCHANGE, deadLetterQueueName, queueName } from '@runfleet/contracts';

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
