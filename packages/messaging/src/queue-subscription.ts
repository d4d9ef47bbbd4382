// Subscribing a consumer to its queue so that it survives the broker losing the queue (issue 13
// item 11, DESIGN.md §6): when the queue is deleted (an operator, a broker rebuilt from its
// definitions) the broker cancels the subscription — amqplib calls the callback with null — and
// amqp-connection-manager re-runs a channel's setup only after a reconnect. So the queue is
// declared again and consumed again right away, on the same channel, without disturbing the
// service's other channels; if that fails, the connection is re-established, whose setup does it.
import type { Channel, ConsumeMessage, Options } from 'amqplib';
import type { Logger } from 'pino';
import type { AmqpConnectionManager } from './amqp-connection';
import { assertConsumerTopology, type ConsumerTopology } from './topology';

export interface QueueSubscriptionOptions {
  manager: AmqpConnectionManager;
  logger: Logger;
  /** true once the consumer is stopping: a cancel is then expected */
  isClosing: () => boolean;
  /** the subscription's consumer tag, each time it (re)subscribes */
  onSubscribed?: (consumerTag: string) => void;
  consumeOptions?: Options.Consume;
}

/** Consumes `topology.queue` on `channel` until the channel closes, re-declaring the queue whenever the broker cancels. */
export async function subscribeToQueue(
  channel: Channel,
  topology: ConsumerTopology,
  onMessage: (msg: ConsumeMessage) => void,
  options: QueueSubscriptionOptions,
): Promise<string> {
  const { logger } = options;
  const subscribe = async (): Promise<string> => {
    const { consumerTag } = await channel.consume(
      topology.queue,
      (msg) => {
        if (msg) {
          onMessage(msg);
          return;
        }
        if (options.isClosing()) return;
        logger.warn({ queue: topology.queue }, 'subscription cancelled by the broker (queue deleted?); declaring the queue again');
        void resubscribe();
      },
      { noAck: false, ...options.consumeOptions },
    );
    options.onSubscribed?.(consumerTag);
    return consumerTag;
  };
  const resubscribe = async (): Promise<void> => {
    try {
      await assertConsumerTopology(channel, topology);
      await subscribe();
      logger.info({ queue: topology.queue }, 'queue declared again; consuming');
    } catch (err) {
      if (options.isClosing()) return;
      // A broker error has closed the channel (watchChannel reconnects then); any other failure
      // leaves a channel that no longer consumes, which only a reconnect replaces.
      logger.error({ err, queue: topology.queue }, 'could not declare the queue again; reconnecting');
      try {
        if (options.manager.isConnected()) options.manager.reconnect();
      } catch (reconnectErr) {
        logger.error({ err: reconnectErr }, 'AMQP reconnect failed');
      }
    }
  };
  return subscribe();
}
