// Publishing envelopes to `runfleet.events` with publisher confirms, persistent and mandatory
// (STYLE.md habit 4). Before its first publish (and again after every reconnect) it declares the
// queues the contracts bind to the events it publishes, so a first deploy or a rebuilt broker does
// not depend on which service started first. An event the broker returns (no queue bound) is
// rejected, and so stays in the outbox and is retried, when the contracts declare a queue for it
// (and the queues are declared again for that retry); only an event nobody is declared to consume
// is dropped, counted. A publish never waits forever.
import { EVENTS_EXCHANGE, type Envelope } from '@runfleet/contracts';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { Socket } from 'node:net';
import type { ConfirmChannel, Message, Options } from 'amqplib';
import type { Logger } from 'pino';
import { assertEventsExchange, assertTopologies, hasDeclaredConsumer, type ConsumerTopology } from './topology';
import { watchChannel, type AmqpConnectionManager } from './amqp-connection';
import { CAUSATION_ID_HEADER, CORRELATION_ID_HEADER, EVENT_VERSION_HEADER } from './message-headers';
import type { MessagingMetrics } from './messaging-metrics';

export interface PublisherOptions {
  connection: AmqpConnectionManager;
  logger: Logger;
  metrics: MessagingMetrics;
  exchange?: string;
  /**
   * A publish not confirmed within this time is rejected (default 10 s). Unconfirmed publishes are
   * re-sent after a reconnect within the window; past it the outbox relay retries the row later.
   */
  publishTimeoutMs?: number;
  /**
   * Queues declared before anything is published, on every (re)connect: by default none;
   * createMessaging passes the contracts' queues bound to the service's own events.
   */
  declare?: readonly ConsumerTopology[];
  /** Whether a returned event must be retried (default: the contracts declare a queue for it). */
  mustRoute?: (eventType: string) => boolean;
}

/** The broker returned the event: no queue is bound for it although the contracts declare one. */
export class UnroutableEventError extends Error {
  constructor(readonly eventType: string) {
    super(`no queue is bound for ${eventType} although the contracts declare a consumer queue for it; kept for a retry`);
    this.name = 'UnroutableEventError';
  }
}

const REDECLARE_INTERVAL_MS = 5_000;

/** An envelope already serialised (as the relay reads it from the outbox), with the fields AMQP properties need. */
export type SerializedEnvelope = Omit<Envelope, 'data'> & { body: Buffer };

/** AMQP properties of an envelope: ids in properties and headers so tools see them without parsing. */
export function envelopeProperties(envelope: Omit<Envelope, 'data'>): Options.Publish {
  return {
    persistent: true,
    mandatory: true,
    contentType: 'application/json',
    contentEncoding: 'utf-8',
    messageId: envelope.id,
    type: envelope.type,
    correlationId: envelope.correlationId,
    appId: envelope.producer,
    timestamp: Math.floor(Date.parse(envelope.occurredAt) / 1000),
    headers: {
      [CORRELATION_ID_HEADER]: envelope.correlationId,
      ...(envelope.causationId ? { [CAUSATION_ID_HEADER]: envelope.causationId } : {}),
      [EVENT_VERSION_HEADER]: envelope.version,
    },
  };
}

/**
 * The socket under an amqplib channel. Not public API, so looked up defensively: without it
 * publishing works the same, only with one write per message.
 */
function socketOf(channel: ConfirmChannel): Pick<Socket, 'cork' | 'uncork'> | undefined {
  const stream = (channel as unknown as { connection?: { stream?: Partial<Socket> } }).connection?.stream;
  return typeof stream?.cork === 'function' && typeof stream.uncork === 'function' ? (stream as Socket) : undefined;
}

export class Publisher {
  private readonly channel: ChannelWrapper;
  private readonly exchange: string;
  private pending = 0;
  private closing = false;
  private socket: Pick<Socket, 'cork' | 'uncork'> | undefined;
  /** message ids the broker returned, until their publish settles (a return precedes its confirm) */
  private readonly returned = new Map<string, number>();
  private readonly mustRoute: (eventType: string) => boolean;
  private redeclaring: Promise<void> | null = null;
  private lastRedeclareAt = 0;

  constructor(private readonly options: PublisherOptions) {
    this.exchange = options.exchange ?? EVENTS_EXCHANGE;
    this.mustRoute = options.mustRoute ?? hasDeclaredConsumer;
    const { logger, metrics } = options;
    this.channel = options.connection.createChannel({
      name: 'publisher',
      confirm: true,
      publishTimeout: options.publishTimeoutMs ?? 10_000,
      setup: async (channel: ConfirmChannel) => {
        this.socket = socketOf(channel);
        watchChannel(channel, { manager: options.connection, logger, name: 'publisher', isClosing: () => this.closing });
        channel.on('return', (message: Message) => {
          const routingKey = message.fields.routingKey;
          const messageId = message.properties.messageId as string | undefined;
          metrics.unroutable.inc({ exchange: message.fields.exchange, routing_key: routingKey });
          if (messageId) this.returned.set(messageId, (this.returned.get(messageId) ?? 0) + 1);
          if (this.mustRoute(routingKey)) {
            logger.warn(
              { exchange: message.fields.exchange, routingKey, messageId },
              'event is unroutable although the contracts declare a queue for it; it stays in the outbox and is retried',
            );
            // Its queue was lost (deleted, a broker rebuilt under us): declare it again for the retry.
            this.redeclareSoon(logger);
          } else {
            metrics.dropped.inc({ exchange: message.fields.exchange, routing_key: routingKey });
            logger.warn(
              { exchange: message.fields.exchange, routingKey, messageId },
              'event dropped: no queue is bound for it and the contracts declare none',
            );
          }
        });
        await assertEventsExchange(channel, this.exchange);
        await this.declareTopology(logger);
      },
    });
    this.channel.on('error', (err: Error) => logger.error({ err }, 'publisher channel setup failed'));
  }

  /**
   * Declares the queues of `options.declare` on a channel of its own, so a queue the broker refuses
   * (PRECONDITION_FAILED closes the channel) fails only that declaration, not the publisher: events
   * for a queue that could not be declared are returned and stay in the outbox, which is safe.
   */
  private async declareTopology(logger: Logger): Promise<void> {
    const topologies = this.options.declare ?? [];
    const connection = this.options.connection.connection;
    if (topologies.length === 0 || !connection) return;
    const side = await connection.createChannel();
    side.on('error', () => undefined);
    try {
      await assertTopologies(side, topologies);
      logger.debug({ queues: topologies.map((t) => t.queue) }, 'declared the queues of the events this service publishes');
    } catch (err) {
      logger.error({ err }, 'could not declare the queues of the events this service publishes; their events wait in the outbox');
    } finally {
      await side.close().catch(() => undefined);
    }
  }

  /** At most one re-declaration per 5 s, so a queue the broker keeps refusing is not hammered. */
  private redeclareSoon(logger: Logger): void {
    if (this.closing || this.redeclaring || Date.now() - this.lastRedeclareAt < REDECLARE_INTERVAL_MS) return;
    this.lastRedeclareAt = Date.now();
    this.redeclaring = this.declareTopology(logger).finally(() => {
      this.redeclaring = null;
    });
  }

  /** Resolves once the broker confirmed the event; rejects on nack, timeout or close. */
  publish(envelope: Envelope): Promise<void> {
    return this.publishSerialized({ ...envelope, body: Buffer.from(JSON.stringify(envelope)) });
  }

  /** Like publish, for a body that is already the envelope's JSON (saves a parse and a stringify). */
  async publishSerialized(envelope: SerializedEnvelope): Promise<void> {
    const started = process.hrtime.bigint();
    this.pending += 1;
    try {
      await this.channel.publish(this.exchange, envelope.type, envelope.body, envelopeProperties(envelope));
      this.options.metrics.publishConfirm.observe({ exchange: this.exchange }, Number(process.hrtime.bigint() - started) / 1e9);
      if (this.takeReturn(envelope.id) && this.mustRoute(envelope.type)) throw new UnroutableEventError(envelope.type);
    } catch (err) {
      if (!(err instanceof UnroutableEventError)) this.returned.delete(envelope.id);
      throw err;
    } finally {
      this.pending -= 1;
    }
  }

  private takeReturn(messageId: string): boolean {
    const count = this.returned.get(messageId);
    if (!count) return false;
    if (count === 1) this.returned.delete(messageId);
    else this.returned.set(messageId, count - 1);
    return true;
  }

  /** Publishes all in order on one channel and reports each outcome (never rejects). */
  publishAll(envelopes: readonly SerializedEnvelope[]): Promise<PromiseSettledResult<void>[]> {
    // amqplib writes each message to the socket separately, on the next turn of the event loop;
    // corking until the turn after joins a batch into one write. Each small write to a local
    // broker costs as much CPU as a query here (docs/benchmarks.md), so this matters.
    const socket = envelopes.length > 1 ? this.socket : undefined;
    socket?.cork();
    const results = Promise.allSettled(envelopes.map((e) => this.publishSerialized(e)));
    if (socket) setImmediate(() => socket.uncork());
    return results;
  }

  /** Publishes not yet confirmed or rejected. */
  pendingCount(): number {
    return this.pending;
  }

  waitForConnect(): Promise<void> {
    return this.channel.waitForConnect();
  }

  /** Rejects what is still unconfirmed and closes the channel; the outbox keeps those rows. */
  async close(): Promise<void> {
    this.closing = true;
    await this.redeclaring;
    await this.channel.close();
  }
}
