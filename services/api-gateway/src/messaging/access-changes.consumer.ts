// Changes that end (or restore) a key's access without revoking it → drop the cached principals
// they affect, so they bite within a second instead of when the 60 s cache entry expires (issue 12
// defect 2; the docs promise "at once"): a reseller suspended or reactivated (its own keys), a
// customer deactivated or reactivated (its keys), a key rotated (the old key's expiry moved, to now
// for a grace of 0). Dropping on reactivation too means nothing cached from before the change
// outlives it either way. Reseller relationships are not read by key verification, so their
// changes need nothing here. Like the revocation consumer: no inbox (a drop is idempotent), manual
// ack after Redis, a few in-process retries, then requeue and finally the dead-letter queue
// `api-gateway.access-changes.dead` (DESIGN.md §3, §6).
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { EventData } from '@runfleet/contracts';
import { runWithContext, type Logger } from '@runfleet/service-kit';
import { assertConsumerTopology, checkIncoming, consumerTopology, watchChannel, type AmqpConnectionManager, type ConsumerTopology } from '@runfleet/messaging';
import type { KeyOwner } from '../data/principal-cache';

export const SERVICE = 'api-gateway';
export const ACCESS_CHANGES_CONCERN = 'access-changes';
export const ACCESS_CHANGE_EVENTS = ['reseller.updated', 'customer.updated', 'apikey.rotated'] as const;
type AccessChangeEvent = (typeof ACCESS_CHANGE_EVENTS)[number];

const IN_PROCESS_ATTEMPTS = 5;
const PREFETCH = 50;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What to forget for one event: a key, an owner's keys, or nothing (a change auth does not read). */
export type CacheDrop = { keyId: string } | { owner: KeyOwner } | null;

export function cacheDropFor(type: AccessChangeEvent, data: EventData<AccessChangeEvent>): CacheDrop {
  switch (type) {
    case 'reseller.updated': {
      const d = data as EventData<'reseller.updated'>;
      return d.changedFields.includes('active') ? { owner: { type: 'reseller', id: d.resellerId } } : null;
    }
    case 'customer.updated': {
      const d = data as EventData<'customer.updated'>;
      return d.changedFields.includes('active') ? { owner: { type: 'customer', id: d.customerId } } : null;
    }
    case 'apikey.rotated':
      return { keyId: (data as EventData<'apikey.rotated'>).keyId };
  }
}

export interface AccessChangesConsumerOptions {
  connection: AmqpConnectionManager;
  /** forgets a credential everywhere the gateway keeps it; idempotent */
  dropCredential: (keyId: string) => Promise<void>;
  /** forgets every credential of an owner everywhere the gateway keeps them; idempotent */
  dropCredentialsOf: (owner: KeyOwner) => Promise<void>;
  logger: Logger;
}

export class AccessChangesConsumer {
  readonly topology: ConsumerTopology;
  private readonly channel: ChannelWrapper;
  private readonly log: Logger;
  private stopping = false;
  private readonly inflight = new Set<Promise<void>>();
  private ready!: () => void;
  private readonly started = new Promise<void>((resolve) => {
    this.ready = resolve;
  });

  constructor(private readonly options: AccessChangesConsumerOptions) {
    // No retry queues: a failed drop is retried here and then requeued; nothing waits minutes.
    this.topology = consumerTopology(SERVICE, ACCESS_CHANGES_CONCERN, ACCESS_CHANGE_EVENTS, { retryDelaysMs: [] });
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
        await channel.consume(this.topology.queue, (msg) => this.onMessage(channel, msg), { noAck: false });
        this.ready();
      },
    });
    this.channel.on('error', (err: Error) => this.log.error({ err }, 'access-change consumer setup failed'));
  }

  /** Resolves once the queue is declared and consuming. */
  start(): Promise<void> {
    return this.started;
  }

  private onMessage(channel: ConfirmChannel, msg: ConsumeMessage | null): void {
    if (!msg) return;
    // A closed channel makes ack throw; the broker redelivers, and dropping twice is harmless.
    const work = this.handle(channel, msg)
      .catch((err: unknown) => this.log.warn({ err }, 'access-change message not acknowledged; it will be redelivered'))
      .finally(() => this.inflight.delete(work));
    this.inflight.add(work);
  }

  private drop(drop: Exclude<CacheDrop, null>): Promise<void> {
    return 'keyId' in drop ? this.options.dropCredential(drop.keyId) : this.options.dropCredentialsOf(drop.owner);
  }

  private async handle(channel: ConfirmChannel, msg: ConsumeMessage): Promise<void> {
    const check = checkIncoming(msg.content);
    if (!check.ok || !(ACCESS_CHANGE_EVENTS as readonly string[]).includes(check.envelope.type)) {
      // Not something a retry can fix: straight to the dead-letter queue (the main queue dead-letters there).
      this.log.error(check.ok ? { type: check.envelope.type } : { reason: check.reason, error: check.error }, 'invalid access-change message dead-lettered');
      channel.nack(msg, false, false);
      return;
    }
    const { envelope } = check;
    const drop = cacheDropFor(envelope.type as AccessChangeEvent, envelope.data as EventData<AccessChangeEvent>);
    if (drop === null) {
      channel.ack(msg);
      return;
    }
    await runWithContext({ correlationId: envelope.correlationId, causationId: envelope.id }, async () => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          await this.drop(drop);
          channel.ack(msg);
          this.log.info({ ...drop, type: envelope.type, messageId: envelope.id }, 'changed credentials dropped from the principal cache');
          return;
        } catch (err) {
          if (attempt >= IN_PROCESS_ATTEMPTS || this.stopping) {
            this.log.error({ err, ...drop, attempt }, 'could not drop changed credentials from the cache; requeued');
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
