// apikey.revoked, runner.revoked → drop the credential's cached principal, so it gets 401 within a second
// (issue 5 item 1). The gateway has no database, so there is no inbox: dropping a cache entry is
// idempotent, so a redelivery is harmless. Manual ack after the Redis DEL; if Redis is down the
// message is retried in-process a few times, then returned to the queue, whose delivery limit
// finally moves it to `api-gateway.apikey-revocations.dead` (DESIGN.md §3, §6).
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { runWithContext, type Logger } from '@runfleet/service-kit';
import { assertConsumerTopology, checkIncoming, consumerTopology, watchChannel, type AmqpConnectionManager, type ConsumerTopology } from '@runfleet/messaging';

export const SERVICE = 'api-gateway';
export const REVOCATIONS_CONCERN = 'apikey-revocations';
/** Every event that names a credential (`keyId`) the gateway must stop accepting: API keys and runner tokens. */
export const REVOCATION_EVENTS = ['apikey.revoked', 'runner.revoked'] as const;

const IN_PROCESS_ATTEMPTS = 5;
const PREFETCH = 50;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface RevocationConsumerOptions {
  connection: AmqpConnectionManager;
  /** forgets a credential everywhere the gateway keeps it (Redis and this process); idempotent */
  dropCredential: (keyId: string) => Promise<void>;
  logger: Logger;
}

export class ApiKeyRevokedConsumer {
  readonly topology: ConsumerTopology;
  private readonly channel: ChannelWrapper;
  private readonly log: Logger;
  private stopping = false;
  private readonly inflight = new Set<Promise<void>>();
  private ready!: () => void;
  private readonly started = new Promise<void>((resolve) => {
    this.ready = resolve;
  });

  constructor(private readonly options: RevocationConsumerOptions) {
    // No retry queues: a failed drop is retried here and then requeued; nothing waits minutes.
    this.topology = consumerTopology(SERVICE, REVOCATIONS_CONCERN, REVOCATION_EVENTS, { retryDelaysMs: [] });
    this.log = options.logger.child({ queue: this.topology.queue });
    this.channel = options.connection.createChannel({
      name: this.topology.queue,
      confirm: true,
      // Runs on every (re)connect, so the queue and its binding are declared again after a broker restart.
      setup: async (channel: ConfirmChannel) => {
        watchChannel(channel, { manager: options.connection, logger: this.log, name: this.topology.queue, isClosing: () => this.stopping });
        await assertConsumerTopology(channel, this.topology);
        await channel.prefetch(PREFETCH);
        if (this.stopping) return;
        await channel.consume(this.topology.queue, (msg) => this.onMessage(channel, msg), { noAck: false });
        this.ready();
      },
    });
    this.channel.on('error', (err: Error) => this.log.error({ err }, 'revocation consumer setup failed'));
  }

  /** Resolves once the queue is declared and consuming. */
  start(): Promise<void> {
    return this.started;
  }

  private onMessage(channel: ConfirmChannel, msg: ConsumeMessage | null): void {
    if (!msg) return;
    // A closed channel makes ack throw; the broker redelivers, and dropping twice is harmless.
    const work = this.handle(channel, msg)
      .catch((err: unknown) => this.log.warn({ err }, 'revocation message not acknowledged; it will be redelivered'))
      .finally(() => this.inflight.delete(work));
    this.inflight.add(work);
  }

  private async handle(channel: ConfirmChannel, msg: ConsumeMessage): Promise<void> {
    const check = checkIncoming(msg.content);
    if (!check.ok) {
      // Not something a retry can fix: straight to the dead-letter queue (the main queue dead-letters there).
      this.log.error({ reason: check.reason, error: check.error }, 'invalid revocation message dead-lettered');
      channel.nack(msg, false, false);
      return;
    }
    const { envelope } = check;
    const keyId = (envelope.data as { keyId: string }).keyId;
    await runWithContext({ correlationId: envelope.correlationId, causationId: envelope.id }, async () => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          await this.options.dropCredential(keyId);
          channel.ack(msg);
          this.log.info({ keyId, messageId: envelope.id }, 'revoked key dropped from the principal cache');
          return;
        } catch (err) {
          if (attempt >= IN_PROCESS_ATTEMPTS || this.stopping) {
            this.log.error({ err, keyId, attempt }, 'could not drop a revoked key from the cache; requeued');
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
