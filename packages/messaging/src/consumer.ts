// A consumer of one queue `<service>.<concern>` (DESIGN.md §3, §6): manual acks with bounded
// prefetch; each message's effect and its inbox row commit in one transaction and the ack follows
// the commit (STYLE.md habits 6, 7); invalid content goes straight to `<queue>.dead`; a failing
// handler is retried through the delay queues, then dead-lettered. Nothing is acked and dropped,
// and nothing is held forever: a copy to a retry or dead queue that fails returns the message to its
// queue (see moveTo).
//
// Under load, messages that arrive while a transaction runs are handled together in the next one
// (up to batchSize); if that transaction fails they are handled again one per transaction, so one
// bad message never fails its neighbours. A `handler` runs once per message inside that
// transaction; a `batchHandler` runs once per transaction with every new message of the batch, so a
// service can apply a whole batch with set-based SQL (docs/messaging.md "Batch handlers").
import { randomUUID } from 'node:crypto';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage, Message, Options } from 'amqplib';
import type { Envelope } from '@runfleet/contracts';
import { runWithContext } from '@runfleet/service-kit';
import type { Logger } from 'pino';
import { watchChannel, type AmqpConnectionManager } from './amqp-connection';
import { isDatabaseUnavailable, isRetryableTransactionError } from './database-errors';
import { checkIncoming, contractValidator, errorMessage, type EnvelopeOf, type EventValidator } from './event-envelope';
import { claimInbox } from './inbox';
import {
  ATTEMPTS_HEADER,
  BROKER_DEATH_HEADERS,
  DEAD_LETTERED_AT_HEADER,
  DEAD_LETTER_REASONS,
  ERROR_HEADER,
  FIRST_FAILURE_HEADER,
  ORIGINAL_QUEUE_HEADER,
  REASON_HEADER,
  numericHeader,
  stringHeader,
  type DeadLetterReason,
} from './message-headers';
import type { MessagingMetrics } from './messaging-metrics';
import type { SqlExecutor, TransactionRunner } from './sql-executor';
import { subscribeToQueue } from './queue-subscription';
import { assertConsumerTopology, consumerQueueTopology, type ConsumerTopology } from './topology';

export interface HandlerContext<TTx> {
  /** the open transaction, in the service's own client type (pg PoolClient or a Prisma tx) */
  tx: TTx;
  /** the same transaction as a SqlExecutor (e.g. for writeOutbox) */
  sql: SqlExecutor;
  queue: string;
  /** 1 on the first try, 2 after one failure, … */
  attempt: number;
  /** the broker delivered it before (a crash or a lost ack); the inbox already guards effects */
  redelivered: boolean;
  log: Logger;
}

export type MessageHandler<N extends string, TTx> = (envelope: EnvelopeOf<N>, context: HandlerContext<TTx>) => Promise<void>;

/** One new message of a batch, in arrival order. */
export interface BatchMessage<N extends string> {
  envelope: EnvelopeOf<N>;
  /** 1 on the first try, 2 after one failure, … */
  attempt: number;
  /** the broker delivered it before (a crash or a lost ack); the inbox already guards effects */
  redelivered: boolean;
}

export interface BatchContext<TTx> {
  tx: TTx;
  sql: SqlExecutor;
  queue: string;
  log: Logger;
}

/**
 * Applies every message of `messages` (never empty; duplicates already removed by the inbox) in the
 * one open transaction. Throwing rolls the whole batch back; the consumer then hands each message
 * to the handler again in a batch of its own, so only a message that fails alone is retried.
 * Events it emits should name their cause (`PendingEvent.cause`): a batch has no single one.
 */
export type BatchHandler<N extends string, TTx> = (messages: readonly BatchMessage<N>[], context: BatchContext<TTx>) => Promise<void>;

export interface ConsumerOptions<N extends string, TTx> {
  connection: AmqpConnectionManager;
  service: string;
  /** queue `<service>.<concern>` */
  concern: string;
  /** event names (routing keys) bound to the queue */
  events: readonly N[];
  /** called once per new message; give this or batchHandler */
  handler?: MessageHandler<N, TTx>;
  /** called once per transaction with all its new messages; give this or handler */
  batchHandler?: BatchHandler<N, TTx>;
  transaction: TransactionRunner<TTx>;
  logger: Logger;
  metrics: MessagingMetrics;
  validate?: EventValidator;
  /** messages per transaction at most (default 50) */
  batchSize?: number;
  /** unacked messages the broker may push (default 2 × batchSize × concurrency) */
  prefetch?: number;
  /** transactions in parallel (default 1, which also keeps arrival order) */
  concurrency?: number;
  /**
   * With concurrency > 1: messages with the same key (a job id, say) are never in two transactions
   * at once, so a key's messages are applied in arrival order while other keys run in parallel.
   * A batch holding a key that a running batch holds waits for it. Undefined: no key, no constraint.
   */
  orderingKey?: (envelope: EnvelopeOf<N>) => string | undefined;
  /**
   * wait up to this long to fill a batch before starting it (default 0: start as soon as one is
   * free); a batch that fills up (batchSize) starts at once
   */
  batchWaitMs?: number;
  retryDelaysMs?: readonly number[];
  deliveryLimit?: number;
  exchange?: string;
  /** the `consumer` column of inbox rows (default: the queue name) */
  inboxName?: string;
  /** how long a copy to a retry or dead-letter queue may wait for its confirm (default 10 s) */
  confirmTimeoutMs?: number;
}

interface ChannelState {
  channel: ConfirmChannel;
  open: boolean;
  consumerTag: string | null;
  /** delivery tags received on this channel and not acked yet */
  unacked: Set<number>;
  /** tokens of our republishes the broker returned as unroutable */
  returned: Set<string>;
}

interface Delivery {
  state: ChannelState;
  msg: ConsumeMessage;
}

interface Item {
  delivery: Delivery;
  envelope: Envelope;
  /** failures so far, from the attempts header */
  failures: number;
}

type Outcome = 'processed' | 'duplicate';
type CopyResult = 'confirmed' | 'closed' | 'nacked' | 'returned' | 'timed_out';

const REPUBLISH_TOKEN_HEADER = 'x-runfleet-republish-token';
const DEFAULT_CONFIRM_TIMEOUT_MS = 10_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class Consumer<N extends string = string, TTx = unknown> {
  readonly topology: ConsumerTopology;
  private readonly wrapper: ChannelWrapper;
  private readonly log: Logger;
  private readonly validate: EventValidator;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly inboxName: string;
  private readonly confirmTimeoutMs: number;
  private buffer: Item[] = [];
  private activeBatches = 0;
  /** orderingKey values of the messages in running transactions, with their counts */
  private readonly activeKeys = new Map<string, number>();
  private pumpScheduled = false;
  private fullBatchScheduled = false;
  private readonly inflight = new Set<Promise<unknown>>();
  private stopping = false;
  private current: ChannelState | null = null;
  private readyResolve!: () => void;
  private readyReject!: (err: Error) => void;
  private readonly ready: Promise<void>;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: ConsumerOptions<N, TTx>) {
    if (!options.handler === !options.batchHandler) throw new Error('a consumer needs exactly one of handler and batchHandler');
    this.topology = consumerQueueTopology(options.service, options.concern, options.events, options);
    this.log = options.logger.child({ queue: this.topology.queue });
    this.validate = options.validate ?? contractValidator;
    this.batchSize = Math.max(1, options.batchSize ?? 50);
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.inboxName = options.inboxName ?? this.topology.queue;
    this.confirmTimeoutMs = options.confirmTimeoutMs ?? DEFAULT_CONFIRM_TIMEOUT_MS;
    const prefetch = options.prefetch ?? Math.max(10, 2 * this.batchSize * this.concurrency);
    this.ready = new Promise<void>((resolve, reject) => {
      this.readyResolve = resolve;
      this.readyReject = reject;
    });
    this.ready.catch(() => undefined);

    this.wrapper = options.connection.createChannel({
      name: this.topology.queue,
      confirm: true,
      setup: async (channel: ConfirmChannel) => {
        const state: ChannelState = { channel, open: true, consumerTag: null, unacked: new Set(), returned: new Set() };
        channel.on('close', () => {
          state.open = false;
        });
        channel.on('return', (message: Message) => {
          const token = stringHeader(message.properties.headers, REPUBLISH_TOKEN_HEADER);
          if (token) state.returned.add(token);
        });
        watchChannel(channel, { manager: options.connection, logger: this.log, name: this.topology.queue, isClosing: () => this.stopping });
        try {
          await assertConsumerTopology(channel, this.topology);
          await channel.prefetch(prefetch, false);
          if (this.stopping) return;
          this.current = state;
          // Subscribed again on this channel whenever the broker cancels (queue deleted).
          await subscribeToQueue(channel, this.topology, (msg) => this.onDelivery(state, msg), {
            manager: options.connection,
            logger: this.log,
            isClosing: () => this.stopping,
            onSubscribed: (consumerTag) => {
              state.consumerTag = consumerTag;
            },
          });
          this.readyResolve();
        } catch (err) {
          this.readyReject(err instanceof Error ? err : new Error(String(err)));
          throw err;
        }
      },
    });
    this.wrapper.on('error', (err: Error) => this.log.error({ err }, 'consumer channel setup failed'));
  }

  /** Resolves once the topology is declared and consuming started; rejects if the first setup fails. */
  start(): Promise<void> {
    return this.ready;
  }

  get queue(): string {
    return this.topology.queue;
  }

  // amqplib calls this synchronously from its frame parser: it must never throw.
  private onDelivery(state: ChannelState, msg: ConsumeMessage): void {
    try {
      const delivery: Delivery = { state, msg };
      state.unacked.add(msg.fields.deliveryTag);
      const failures = numericHeader(msg.properties.headers, ATTEMPTS_HEADER);
      const check = checkIncoming(msg.content, this.validate);
      if (!check.ok) {
        // Validation failed once: that counts as one failed attempt, and no retry can fix it.
        this.track(this.deadLetter(delivery, check.reason, check.error, failures + 1, check.partial?.id));
        return;
      }
      this.buffer.push({ delivery, envelope: check.envelope, failures });
      this.schedulePump();
      // A full batch need not wait out batchWaitMs.
      if (this.buffer.length >= this.batchSize && this.activeBatches === 0 && !this.fullBatchScheduled) {
        this.fullBatchScheduled = true;
        setImmediate(() => {
          this.fullBatchScheduled = false;
          this.pump();
        });
      }
    } catch (err) {
      this.log.error({ err }, 'unexpected error receiving a message; it stays unacked and will be redelivered');
    }
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    // setImmediate lets every delivery parsed from the same socket read join the batch.
    const wait = this.options.batchWaitMs ?? 0;
    const run = () => {
      this.pumpScheduled = false;
      this.pump();
    };
    if (wait > 0 && !this.stopping) setTimeout(run, wait);
    else setImmediate(run);
  }

  private pump(): void {
    // A second transaction in parallel only for a backlog (a full batch waiting); otherwise
    // messages arriving meanwhile gather into the next batch, which is cheaper per message.
    while (
      this.buffer.length > 0 &&
      (this.activeBatches === 0 || (this.activeBatches < this.concurrency && this.buffer.length >= this.batchSize))
    ) {
      const keys = this.keysOf(this.buffer.slice(0, this.batchSize));
      // A key in a running batch: this batch waits for it, so the key's order holds.
      if (this.activeBatches > 0 && keys.some((key) => this.activeKeys.has(key))) return;
      const items = this.buffer.splice(0, this.batchSize);
      for (const key of keys) this.activeKeys.set(key, (this.activeKeys.get(key) ?? 0) + 1);
      this.activeBatches += 1;
      this.track(
        this.processBatch(items).finally(() => {
          this.activeBatches -= 1;
          for (const key of keys) {
            const left = this.activeKeys.get(key)! - 1;
            if (left === 0) this.activeKeys.delete(key);
            else this.activeKeys.set(key, left);
          }
          if (this.buffer.length > 0) this.schedulePump();
        }),
      );
    }
  }

  private keysOf(items: readonly Item[]): string[] {
    const key = this.options.orderingKey;
    if (!key || this.concurrency === 1) return [];
    return items.map((item) => key(item.envelope as EnvelopeOf<N>)).filter((k): k is string => k !== undefined);
  }

  private track(work: Promise<unknown>): void {
    const guarded = work.catch((err) => this.log.error({ err }, 'unexpected consumer error; affected messages stay unacked'));
    this.inflight.add(guarded);
    void guarded.finally(() => {
      this.inflight.delete(guarded);
      if (this.isIdle()) for (const wake of this.idleWaiters.splice(0)) wake();
    });
  }

  private isIdle(): boolean {
    return this.inflight.size === 0 && this.buffer.length === 0 && this.activeBatches === 0;
  }

  private async processBatch(items: Item[]): Promise<void> {
    const started = process.hrtime.bigint();
    let outcomes: Outcome[] | 'abandoned';
    try {
      outcomes = await this.runTransaction(items);
    } catch (err) {
      if (items.length > 1) {
        // Someone in the batch failed: give each message its own transaction to find out who.
        for (const item of items) await this.processBatch([item]);
        return;
      }
      await this.handleFailure(items[0]!, err);
      return;
    }
    if (outcomes === 'abandoned') return;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.ackAll(items.map((item) => item.delivery));
    items.forEach((item, i) => {
      const outcome = outcomes[i]!;
      this.options.metrics.consumed.inc({ queue: this.topology.queue, outcome });
      if (outcome === 'processed') this.options.metrics.handling.observe({ queue: this.topology.queue }, seconds);
    });
  }

  /**
   * Runs the batch in one transaction. While the database is unreachable it waits and tries again
   * (the messages stay unacked, so nothing is lost if the process dies meanwhile), rather than
   * spending the messages' retries on an outage. Gives up ('abandoned') when the messages can no
   * longer be acked anyway (their channel closed) or the consumer is stopping during an outage.
   */
  private async runTransaction(items: Item[]): Promise<Outcome[] | 'abandoned'> {
    let waitMs = 100;
    for (let conflicts = 0; ; ) {
      try {
        return await this.options.transaction(async (tx, sql) => {
          const fresh = await claimInbox(sql, this.inboxName, items.map((i) => i.envelope.id));
          const outcomes: Outcome[] = [];
          const handled: Item[] = [];
          for (const item of items) {
            const id = item.envelope.id.toLowerCase();
            // delete: the same id twice in one batch (a redelivery) is handled once
            if (!fresh.delete(id)) {
              outcomes.push('duplicate');
              continue;
            }
            if (this.options.handler) await this.runHandler(item, tx, sql);
            else handled.push(item);
            outcomes.push('processed');
          }
          if (handled.length > 0) await this.runBatchHandler(handled, tx, sql);
          return outcomes;
        });
      } catch (err) {
        if (isDatabaseUnavailable(err)) {
          if (this.stopping || items.every((i) => !i.delivery.state.open)) return 'abandoned';
          this.log.warn({ err, retryInMs: waitMs }, 'database unavailable; holding messages until it is back');
          await sleep(waitMs);
          waitMs = Math.min(waitMs * 2, 5_000);
          continue;
        }
        if (isRetryableTransactionError(err) && conflicts < 3) {
          conflicts += 1;
          continue;
        }
        throw err;
      }
    }
  }

  private runBatchHandler(items: Item[], tx: TTx, sql: SqlExecutor): Promise<void> {
    const messages = items.map((item) => ({
      envelope: item.envelope as EnvelopeOf<N>,
      attempt: item.failures + 1,
      redelivered: item.delivery.msg.fields.redelivered,
    }));
    const context: BatchContext<TTx> = { tx, sql, queue: this.topology.queue, log: this.log };
    // A batch of one keeps its message's correlation id, as a per-message handler would.
    if (items.length === 1) {
      const { envelope } = items[0]!;
      return runWithContext({ correlationId: envelope.correlationId, causationId: envelope.id }, () => this.options.batchHandler!(messages, context));
    }
    return this.options.batchHandler!(messages, context);
  }

  private runHandler(item: Item, tx: TTx, sql: SqlExecutor): Promise<void> {
    const { envelope, delivery } = item;
    const consumerLog = this.log;
    let log: Logger | undefined;
    const context: HandlerContext<TTx> = {
      tx,
      sql,
      queue: this.topology.queue,
      attempt: item.failures + 1,
      redelivered: delivery.msg.fields.redelivered,
      // Made on first use: most handlers never log, and a child logger per message is not free.
      get log() {
        log ??= consumerLog.child({ messageId: envelope.id, eventType: envelope.type, correlationId: envelope.correlationId });
        return log;
      },
    };
    // Restore the producer's correlation id; whatever the handler publishes is caused by this message.
    return runWithContext({ correlationId: envelope.correlationId, causationId: envelope.id }, () =>
      this.options.handler!(envelope as EnvelopeOf<N>, context),
    );
  }

  private async handleFailure(item: Item, err: unknown): Promise<void> {
    const failures = item.failures + 1;
    const { envelope } = item;
    const next = this.topology.retryQueues[failures - 1];
    await runWithContext({ correlationId: envelope.correlationId, causationId: envelope.id }, async () => {
      const log = this.log.child({ messageId: envelope.id, eventType: envelope.type, correlationId: envelope.correlationId });
      if (!next) {
        await this.deadLetter(item.delivery, DEAD_LETTER_REASONS.handlerFailed, errorMessage(err), failures);
        return;
      }
      log.warn({ err, attempt: failures, retryInMs: next.delayMs, retryQueue: next.name }, 'handler failed; retrying later');
      const headers = {
        ...this.keptHeaders(item.delivery.msg),
        [ATTEMPTS_HEADER]: failures,
        [ERROR_HEADER]: errorMessage(err).slice(0, 1_000),
        [FIRST_FAILURE_HEADER]: stringHeader(item.delivery.msg.properties.headers, FIRST_FAILURE_HEADER) ?? new Date().toISOString(),
      };
      if (await this.moveTo(item.delivery, next.name, headers)) {
        this.options.metrics.retries.inc({ queue: this.topology.queue });
        this.options.metrics.consumed.inc({ queue: this.topology.queue, outcome: 'retried' });
      }
    });
  }

  /** Moves a message to `<queue>.dead` with the reason in its headers, then acks the original. */
  private async deadLetter(delivery: Delivery, reason: DeadLetterReason, error: string, failures: number, fallbackId?: string): Promise<void> {
    const { msg } = delivery;
    const now = new Date().toISOString();
    const headers = {
      ...this.keptHeaders(msg),
      [REASON_HEADER]: reason,
      [ERROR_HEADER]: error.slice(0, 1_000),
      [ATTEMPTS_HEADER]: failures,
      [FIRST_FAILURE_HEADER]: stringHeader(msg.properties.headers, FIRST_FAILURE_HEADER) ?? now,
      [DEAD_LETTERED_AT_HEADER]: now,
      [ORIGINAL_QUEUE_HEADER]: this.topology.queue,
    };
    // The CLI finds dead letters by message id, so one without an id gets one here.
    const messageId = msg.properties.messageId ?? (fallbackId || randomUUID());
    this.log.error({ messageId, reason, error, attempts: failures, deadQueue: this.topology.deadQueue }, 'message dead-lettered');
    if (await this.moveTo(delivery, this.topology.deadQueue, headers, messageId)) {
      this.options.metrics.deadLetters.inc({ queue: this.topology.queue, reason });
      this.options.metrics.consumed.inc({ queue: this.topology.queue, outcome: 'dead_lettered' });
    }
  }

  /** The original headers minus RabbitMQ's death bookkeeping and our previous republish token. */
  private keptHeaders(msg: ConsumeMessage): Record<string, unknown> {
    const headers: Record<string, unknown> = { ...(msg.properties.headers ?? {}) };
    for (const name of BROKER_DEATH_HEADERS) delete headers[name];
    delete headers[REPUBLISH_TOKEN_HEADER];
    return headers;
  }

  /**
   * Copies the message to `queue` (a retry or the dead-letter queue) and acks the original once the
   * copy is confirmed. A copy that fails must not leave the original unacked on an open channel:
   * it would hold a prefetch slot until the process restarts, and enough of them stall the consumer
   * (issue 13 item 7). So an unroutable copy (the queue was deleted) first re-declares this
   * consumer's queues and tries once more; a copy that still fails (nacked, unroutable, or not
   * confirmed in time) returns the original to its queue with a nack, to be handled again. Each
   * such return counts as a delivery of the quorum queue, so a copy that keeps failing ends in
   * `.dead` through the delivery limit rather than looping forever. A copy that was in fact
   * delivered after a timeout makes a second copy of the message; the inbox makes that harmless.
   */
  private async moveTo(delivery: Delivery, queue: string, headers: Record<string, unknown>, messageId?: string): Promise<boolean> {
    let result = await this.republish(delivery, queue, headers, messageId);
    if (result === 'returned' && delivery.state.open) {
      try {
        await assertConsumerTopology(delivery.state.channel, this.topology);
        result = await this.republish(delivery, queue, headers, messageId);
      } catch (err) {
        // A failed declaration closes the channel: the broker redelivers, the setup re-declares.
        this.log.warn({ err, queue }, 're-declaring the topology after an unroutable copy failed');
      }
    }
    if (result === 'confirmed') {
      this.ack(delivery);
      return true;
    }
    // On a closed channel there is nothing to do: the broker redelivers the original already.
    if (delivery.state.open) {
      this.log.error({ queue, result, messageId: messageId ?? delivery.msg.properties.messageId }, 'copying the message failed; returned it to its queue');
      this.requeue(delivery);
    }
    return false;
  }

  /**
   * Sends a copy to `queue` on the channel the message came from and waits for the broker's
   * confirm: 'confirmed', or why not — the channel is gone, the broker refused it (or did not
   * confirm within CONFIRM_TIMEOUT_MS), or no queue of that name exists (mandatory + return).
   */
  private republish(delivery: Delivery, queue: string, headers: Record<string, unknown>, messageId?: string): Promise<CopyResult> {
    const { state, msg } = delivery;
    if (!state.open) return Promise.resolve('closed');
    const token = randomUUID();
    const p = msg.properties;
    const options: Options.Publish = {
      persistent: true,
      mandatory: true,
      contentType: p.contentType,
      contentEncoding: p.contentEncoding,
      messageId: messageId ?? p.messageId,
      type: p.type,
      correlationId: p.correlationId,
      appId: p.appId,
      timestamp: p.timestamp,
      headers: { ...headers, [REPUBLISH_TOKEN_HEADER]: token },
    };
    return new Promise<CopyResult>((resolve) => {
      const timer = setTimeout(() => {
        state.returned.delete(token);
        resolve('timed_out');
      }, this.confirmTimeoutMs);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        // The broker sends basic.return before the confirm, so the token is there by now.
        if (state.returned.delete(token)) {
          this.log.error({ queue }, 'copy returned as unroutable: the queue does not exist');
          resolve('returned');
        } else resolve(ok ? 'confirmed' : 'nacked');
      };
      try {
        state.channel.sendToQueue(queue, msg.content, options, (err) => done(!err));
      } catch {
        done(false);
      }
    });
  }

  /** Returns the message to the head of its queue for another delivery. */
  private requeue(delivery: Delivery): void {
    const { state, msg } = delivery;
    if (!state.open) return;
    try {
      state.channel.nack(msg, false, true);
      state.unacked.delete(msg.fields.deliveryTag);
      this.options.metrics.consumed.inc({ queue: this.topology.queue, outcome: 'requeued' });
    } catch (err) {
      this.log.warn({ err }, 'nack failed; the message will be redelivered when the channel closes');
    }
  }

  private ack(delivery: Delivery, allUpTo = false): void {
    const { state, msg } = delivery;
    // A delivery tag is only valid on its own channel; after a reconnect the broker redelivers
    // the message and the inbox turns that into a no-op, so skipping the ack here is safe.
    if (!state.open) return;
    try {
      state.channel.ack(msg, allUpTo);
      if (allUpTo) {
        for (const tag of state.unacked) if (tag <= msg.fields.deliveryTag) state.unacked.delete(tag);
      } else state.unacked.delete(msg.fields.deliveryTag);
    } catch (err) {
      this.log.warn({ err }, 'ack failed; the message will be redelivered and deduplicated');
    }
  }

  /**
   * Acks a committed batch with as few frames as possible: one "multiple" ack covers every tag up
   * to the highest one below the first delivery still outstanding elsewhere (being retried, say);
   * the rest are acked one by one.
   */
  private ackAll(deliveries: Delivery[]): void {
    const byChannel = new Map<ChannelState, Delivery[]>();
    for (const d of deliveries) byChannel.set(d.state, [...(byChannel.get(d.state) ?? []), d]);
    for (const [state, list] of byChannel) {
      const ours = new Set(list.map((d) => d.msg.fields.deliveryTag));
      let firstOther = Infinity;
      for (const tag of state.unacked) if (!ours.has(tag) && tag < firstOther) firstOther = tag;
      list.sort((a, b) => a.msg.fields.deliveryTag - b.msg.fields.deliveryTag);
      const covered = list.filter((d) => d.msg.fields.deliveryTag < firstOther);
      if (covered.length > 1) this.ack(covered[covered.length - 1]!, true);
      else if (covered.length === 1) this.ack(covered[0]!);
      for (const d of list) if (d.msg.fields.deliveryTag > firstOther) this.ack(d);
    }
  }

  /** Stops consuming, finishes (and acks) what was received, then closes the channel. */
  async close(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const state = this.current;
    if (state?.open && state.consumerTag) {
      try {
        await state.channel.cancel(state.consumerTag);
      } catch (err) {
        this.log.warn({ err }, 'consumer cancel failed');
      }
    }
    this.schedulePump();
    while (!this.isIdle()) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    await this.wrapper.close();
  }
}
