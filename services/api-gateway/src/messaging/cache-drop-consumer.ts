// The gateway's consumers all do one thing: an event says a credential (or every credential of an
// owner) must stop being trusted → drop it from the principal cache. The gateway has no database,
// so there is no inbox: a drop is idempotent and a redelivery is harmless. Manual ack after Redis;
// if Redis is down the message is retried in-process a few times, then returned to the queue, whose
// delivery limit finally moves it to `<queue>.dead` (DESIGN.md §3, §6). The queue and its bindings
// are the contracts' (packages/contracts consumer-queues.ts); each concern supplies only what to drop.
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { ConsumerQueue, Envelope } from '@runfleet/contracts';
import { runWithContext, type Logger } from '@runfleet/service-kit';
import {
  assertConsumerTopology,
  checkIncoming,
  contractTopology,
  subscribeToQueue,
  watchChannel,
  type AmqpConnectionManager,
  type ConsumerTopology,
} from '@runfleet/messaging';
import type { KeyOwner } from '../data/principal-cache';

/** What to forget for one event: a key, an owner's keys, or nothing (a change auth does not read). */
export type CacheDrop = { keyId: string } | { owner: KeyOwner } | null;

export interface CacheDropConsumerOptions {
  connection: AmqpConnectionManager;
  /** forgets a credential everywhere the gateway keeps it (Redis and this process); idempotent */
  dropCredential: (keyId: string) => Promise<void>;
  /** forgets every credential of an owner everywhere the gateway keeps them; idempotent */
  dropCredentialsOf?: (owner: KeyOwner) => Promise<void>;
  logger: Logger;
}

const IN_PROCESS_ATTEMPTS = 5;
const PREFETCH = 50;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class CacheDropConsumer {
  readonly topology: ConsumerTopology;
  private readonly channel: ChannelWrapper;
  private readonly events: readonly string[];
  private readonly log: Logger;
  private stopping = false;
  private readonly inflight = new Set<Promise<void>>();
  private ready!: () => void;
  private readonly started = new Promise<void>((resolve) => {
    this.ready = resolve;
  });

  constructor(
    queue: ConsumerQueue,
    private readonly dropFor: (envelope: Envelope) => CacheDrop,
    private readonly options: CacheDropConsumerOptions,
  ) {
    // No retry queues (the contracts say so): a failed drop is retried here and then requeued.
    this.topology = contractTopology(queue);
    this.events = queue.events;
    this.log = options.logger.child({ queue: this.topology.queue });
    this.channel = options.connection.createChannel({
      name: this.topology.queue,
      confirm: true,
      // Runs on every (re)connect, so the queue and its bindings are declared again after a broker restart.
      setup: async (channel: ConfirmChannel) => {
        watchChannel(channel, { manager: options.connection, logger: this.log, name: this.topology.queue, isClosing: () => this.stopping });
        await assertConsumerTopology(channel, this.topology);
        await channel.prefetch(PREFETCH);
        if (this.stopping) return;
        // Subscribed again whenever the broker cancels (queue deleted), or the drops would stop.
        await subscribeToQueue(channel, this.topology, (msg) => this.onMessage(channel, msg), {
          manager: options.connection,
          logger: this.log,
          isClosing: () => this.stopping,
        });
        this.ready();
      },
    });
    this.channel.on('error', (err: Error) => this.log.error({ err }, 'cache-drop consumer setup failed'));
  }

  /** Resolves once the queue is declared and consuming. */
  start(): Promise<void> {
    return this.started;
  }

  private onMessage(channel: ConfirmChannel, msg: ConsumeMessage): void {
    // A closed channel makes ack throw; the broker redelivers, and dropping twice is harmless.
    const work = this.handle(channel, msg)
      .catch((err: unknown) => this.log.warn({ err }, 'message not acknowledged; it will be redelivered'))
      .finally(() => this.inflight.delete(work));
    this.inflight.add(work);
  }

  private drop(drop: Exclude<CacheDrop, null>): Promise<void> {
    if ('keyId' in drop) return this.options.dropCredential(drop.keyId);
    if (!this.options.dropCredentialsOf) throw new Error('this consumer cannot drop an owner’s credentials');
    return this.options.dropCredentialsOf(drop.owner);
  }

  private async handle(channel: ConfirmChannel, msg: ConsumeMessage): Promise<void> {
    const check = checkIncoming(msg.content);
    if (!check.ok || !this.events.includes(check.envelope.type)) {
      // Not something a retry can fix: straight to the dead-letter queue (the main queue dead-letters there).
      this.log.error(check.ok ? { type: check.envelope.type } : { reason: check.reason, error: check.error }, 'invalid message dead-lettered');
      channel.nack(msg, false, false);
      return;
    }
    const { envelope } = check;
    const drop = this.dropFor(envelope);
    if (drop === null) {
      channel.ack(msg);
      return;
    }
    await runWithContext({ correlationId: envelope.correlationId, causationId: envelope.id }, async () => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          await this.drop(drop);
          channel.ack(msg);
          this.log.info({ ...drop, type: envelope.type, messageId: envelope.id }, 'credentials dropped from the principal cache');
          return;
        } catch (err) {
          if (attempt >= IN_PROCESS_ATTEMPTS || this.stopping) {
            this.log.error({ err, ...drop, attempt }, 'could not drop credentials from the cache; requeued');
            channel.nack(msg, false, true);
            return;
          }
          await sleep(100 * 2 ** attempt);
        }
      }
    });
  }

  async close(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.inflight]);
    await this.channel.close();
  }
}
