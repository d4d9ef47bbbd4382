// Names of the AMQP headers Runfleet puts on messages: what an operator sees in the management UI
// next to a message, and what the consumer reads back (docs/messaging.md lists them).

/** How many times handling this message has failed so far (absent on a first delivery). */
export const ATTEMPTS_HEADER = 'x-runfleet-attempts';
/** Why a message was dead-lettered: one of DEAD_LETTER_REASONS. */
export const REASON_HEADER = 'x-runfleet-reason';
/** The error message of the last failure (truncated). */
export const ERROR_HEADER = 'x-runfleet-error';
/** ISO time of the first failed attempt; kept across retries. */
export const FIRST_FAILURE_HEADER = 'x-runfleet-first-failure-at';
/** ISO time the message entered the dead-letter queue. */
export const DEAD_LETTERED_AT_HEADER = 'x-runfleet-dead-lettered-at';
/** The queue the message failed in; replay sends it back there. */
export const ORIGINAL_QUEUE_HEADER = 'x-runfleet-original-queue';
/** ISO time an operator replayed it from the dead-letter queue. */
export const REPLAYED_AT_HEADER = 'x-runfleet-replayed-at';
/** Copies of the envelope's ids, so tracing works without parsing the body. */
export const CORRELATION_ID_HEADER = 'x-correlation-id';
export const CAUSATION_ID_HEADER = 'x-causation-id';
export const EVENT_VERSION_HEADER = 'x-event-version';

export const DEAD_LETTER_REASONS = {
  /** the body is not JSON */
  invalidJson: 'INVALID_JSON',
  /** JSON, but not a Runfleet envelope */
  invalidEnvelope: 'INVALID_ENVELOPE',
  /** an envelope whose `data` (or version) does not match the contract of its type */
  invalidData: 'INVALID_DATA',
  /** the handler kept failing through every retry */
  handlerFailed: 'HANDLER_FAILED',
} as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[keyof typeof DEAD_LETTER_REASONS];

/** Headers RabbitMQ adds when it dead-letters (TTL expiry of a retry copy, delivery limit). */
export const BROKER_DEATH_HEADERS = [
  'x-death',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
  'x-last-death-exchange',
  'x-last-death-queue',
  'x-last-death-reason',
  'x-delivery-count',
] as const;

/** Reads a numeric header that may arrive as number, string or AMQP long. */
export function numericHeader(headers: Record<string, unknown> | undefined, name: string): number {
  const value = headers?.[name];
  const n = typeof value === 'number' ? value : typeof value === 'string' || typeof value === 'bigint' ? Number(value) : 0;
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

export function stringHeader(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return undefined;
}
