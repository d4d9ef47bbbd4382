// Publishing envelopes to `runfleet.events` with publisher confirms, persistent and mandatory
// (STYLE.md habit 4); an unroutable event is logged and counted, a publish never waits forever.
import { EVENTS_EXCHANGE, type Envelope } from '@runfleet/contracts';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { Socket } from 'node:net';
import type { ConfirmChannel, Message, Options } from 'amqplib';
import type { Logger } from 'pino';
import { assertEventsExchange } from './topology';
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
}

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

  constructor(private readonly options: PublisherOptions) {
    this.exchange = options.exchange ?? EVENTS_EXCHANGE;
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
          metrics.unroutable.inc({ exchange: message.fields.exchange, routing_key: routingKey });
          logger.warn(
            { exchange: message.fields.exchange, routingKey, messageId: message.properties.messageId },
            'event is unroutable: no queue is bound for its routing key, the broker returned it',
          );
        });
        await assertEventsExchange(channel, this.exchange);
      },
    });
    this.channel.on('error', (err: Error) => logger.error({ err }, 'publisher channel setup failed'));
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
    } finally {
      this.pending -= 1;
    }
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
    await this.channel.close();
  }
}
