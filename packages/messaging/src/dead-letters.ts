// Operator access to dead letters (issue 3, operator tools): list a `<queue>.dead` with each message's
// reason, attempts and first-failure time, and replay one or all of them to the queue they failed in.
// Plain amqplib on a short-lived connection: a CLI needs no reconnects.
import { connect, type ConfirmChannel, type GetMessage, type Message } from 'amqplib';
import { deadLetterQueueName } from '@runfleet/contracts';
import {
  ATTEMPTS_HEADER,
  BROKER_DEATH_HEADERS,
  DEAD_LETTERED_AT_HEADER,
  ERROR_HEADER,
  FIRST_FAILURE_HEADER,
  ORIGINAL_QUEUE_HEADER,
  REASON_HEADER,
  REPLAYED_AT_HEADER,
  numericHeader,
  stringHeader,
} from './message-headers';

export interface DeadLetter {
  messageId: string | undefined;
  type: string | undefined;
  correlationId: string | undefined;
  /** INVALID_JSON, INVALID_ENVELOPE, INVALID_DATA, HANDLER_FAILED, or the broker's reason (`delivery_limit`) */
  reason: string;
  error: string | undefined;
  attempts: number;
  firstFailureAt: string | undefined;
  deadLetteredAt: string | undefined;
  /** where a replay sends it */
  originalQueue: string;
  body: string;
}

/** Accepts `billing.job-completed` or `billing.job-completed.dead`. */
export function deadQueueOf(queue: string): string {
  return queue.endsWith('.dead') ? queue : deadLetterQueueName(queue);
}

interface DeathRecord {
  queue?: string;
  reason?: string;
  time?: { value?: number } | Date | number;
}

function firstDeath(message: Message): DeathRecord | undefined {
  const deaths = message.properties.headers?.['x-death'];
  return Array.isArray(deaths) && deaths.length > 0 ? (deaths[deaths.length - 1] as DeathRecord) : undefined;
}

export function describeDeadLetter(message: Message, deadQueue: string): DeadLetter {
  const headers = message.properties.headers ?? {};
  const death = firstDeath(message);
  // Dead-lettered by RabbitMQ itself (delivery limit) rather than by our consumer: no reason header.
  const brokerReason = stringHeader(headers, 'x-first-death-reason') ?? death?.reason;
  const brokerQueue = stringHeader(headers, 'x-first-death-queue') ?? death?.queue;
  return {
    messageId: message.properties.messageId ?? undefined,
    type: message.properties.type ?? undefined,
    correlationId: message.properties.correlationId ?? undefined,
    reason: stringHeader(headers, REASON_HEADER) ?? brokerReason ?? 'unknown',
    error: stringHeader(headers, ERROR_HEADER),
    // Ours when we dead-lettered it; otherwise the broker's delivery count (delivery-limit case).
    attempts: headers[ATTEMPTS_HEADER] !== undefined ? numericHeader(headers, ATTEMPTS_HEADER) : numericHeader(headers, 'x-delivery-count'),
    firstFailureAt: stringHeader(headers, FIRST_FAILURE_HEADER),
    deadLetteredAt: stringHeader(headers, DEAD_LETTERED_AT_HEADER),
    originalQueue: stringHeader(headers, ORIGINAL_QUEUE_HEADER) ?? brokerQueue ?? deadQueue.replace(/\.dead$/, ''),
    body: message.content.toString('utf8'),
  };
}

async function withChannel<T>(amqpUrl: string, fn: (channel: ConfirmChannel) => Promise<T>): Promise<T> {
  const connection = await connect(amqpUrl, { clientProperties: { connection_name: 'runfleet dead-letters CLI' } });
  connection.on('error', () => undefined);
  try {
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined);
    try {
      return await fn(channel);
    } finally {
      // Closing returns every message we fetched and did not ack to the queue, in place.
      await channel.close().catch(() => undefined);
    }
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** Fetches (without removing) up to `limit` messages of the queue; they return on channel close. */
async function fetchAll(channel: ConfirmChannel, deadQueue: string, limit: number): Promise<GetMessage[]> {
  const { messageCount } = await channel.checkQueue(deadQueue);
  const messages: GetMessage[] = [];
  for (let i = 0; i < Math.min(messageCount, limit); i++) {
    const message = await channel.get(deadQueue, { noAck: false });
    if (!message) break;
    messages.push(message);
  }
  return messages;
}

/** Lists the dead letters of a queue, oldest first, leaving them in place. */
export async function listDeadLetters(amqpUrl: string, queue: string, options: { limit?: number } = {}): Promise<DeadLetter[]> {
  const deadQueue = deadQueueOf(queue);
  return withChannel(amqpUrl, async (channel) => {
    const messages = await fetchAll(channel, deadQueue, options.limit ?? 1_000);
    return messages.map((m) => describeDeadLetter(m, deadQueue));
  });
}

export interface ReplayOptions {
  /** replay only this message id; otherwise all */
  id?: string;
  /** a corrected body to send instead of the stored one (only with `id`) */
  body?: Buffer;
  limit?: number;
}

export interface ReplayResult {
  replayed: { messageId: string | undefined; queue: string }[];
  /** dead letters looked at and left in place */
  kept: number;
  /** copies the broker did not accept (queue missing, nacked): their dead letters stay in place */
  failed: { messageId: string | undefined; queue: string; error: string }[];
}

/**
 * Waits for the broker's verdict on one copy sent with `mandatory`: resolves once it is confirmed
 * and was routed to a queue, rejects if it was nacked or returned. One copy at a time: the broker
 * sends basic.return before the confirm, so a return seen while this copy is outstanding is its own
 * (whether or not the message has an id).
 */
function publishConfirmed(channel: ConfirmChannel, queue: string, content: Buffer, message: Message): Promise<void> {
  const headers: Record<string, unknown> = { ...(message.properties.headers ?? {}) };
  // A replay starts over: the consumer sees a first attempt with a fresh retry budget.
  for (const name of [...BROKER_DEATH_HEADERS, ATTEMPTS_HEADER, REASON_HEADER, ERROR_HEADER, FIRST_FAILURE_HEADER, DEAD_LETTERED_AT_HEADER, ORIGINAL_QUEUE_HEADER]) {
    delete headers[name];
  }
  headers[REPLAYED_AT_HEADER] = new Date().toISOString();
  const p = message.properties;
  let returned = false;
  const onReturn = () => {
    returned = true;
  };
  channel.on('return', onReturn);
  return new Promise<void>((resolve, reject) => {
    channel.sendToQueue(
      queue,
      content,
      {
        persistent: true,
        mandatory: true,
        contentType: p.contentType ?? undefined,
        contentEncoding: p.contentEncoding ?? undefined,
        messageId: p.messageId ?? undefined,
        type: p.type ?? undefined,
        correlationId: p.correlationId ?? undefined,
        appId: p.appId ?? undefined,
        timestamp: p.timestamp ?? undefined,
        headers,
      },
      (err) => {
        if (err) reject(err instanceof Error ? err : new Error(`the broker refused the copy: ${String(err)}`));
        else if (returned) reject(new Error(`queue ${queue} does not exist`));
        else resolve();
      },
    );
  }).finally(() => channel.off('return', onReturn));
}

/**
 * Sends dead letters back to their original queue (with attempts reset) and removes each from the
 * dead-letter queue only after the broker confirmed the copy into a queue. A copy that fails leaves
 * its dead letter in place, is reported in `failed`, and the replay goes on with the next one.
 */
export async function replayDeadLetters(amqpUrl: string, queue: string, options: ReplayOptions = {}): Promise<ReplayResult> {
  if (options.body && !options.id) throw new Error('a replacement body needs --id: it replaces one message');
  const deadQueue = deadQueueOf(queue);
  return withChannel(amqpUrl, async (channel) => {
    // Bounded by what is in the queue now, so messages that fail again right away are not looped.
    const messages = await fetchAll(channel, deadQueue, options.limit ?? 100_000);
    const result: ReplayResult = { replayed: [], kept: 0, failed: [] };
    let matched = false;
    for (const message of messages) {
      const info = describeDeadLetter(message, deadQueue);
      if (options.id && info.messageId !== options.id) {
        result.kept += 1;
        continue;
      }
      matched = true;
      try {
        await publishConfirmed(channel, info.originalQueue, options.body ?? message.content, message);
      } catch (err) {
        // Not acked: closing the channel returns it to the dead-letter queue.
        result.failed.push({ messageId: info.messageId, queue: info.originalQueue, error: err instanceof Error ? err.message : String(err) });
        result.kept += 1;
        continue;
      }
      channel.ack(message);
      result.replayed.push({ messageId: info.messageId, queue: info.originalQueue });
    }
    if (options.id && !matched) throw new Error(`no dead letter with id ${options.id} in ${deadQueue}`);
    return result;
  });
}
