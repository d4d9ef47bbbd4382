// Building envelopes for publishing and checking them on arrival (DESIGN.md §3): the envelope from
// contracts, `data` validated against its event's schema on both sides, ids taken from the context.
import { randomUUID } from 'node:crypto';
import {
  envelopeSchema,
  eventSchemas,
  findUnstorableText,
  isEventName,
  parseEventData,
  type Envelope,
  type EventData,
  type EventName,
} from '@runfleet/contracts';
import { currentContext } from '@runfleet/service-kit';
import { DEAD_LETTER_REASONS, type DeadLetterReason } from './message-headers';

/** Returns the validated (possibly normalised) data, or throws with a readable message. */
export type EventValidator = (type: string, data: unknown) => unknown;

/** The default: every event type and payload must be in the contracts' `eventSchemas`. */
export const contractValidator: EventValidator = (type, data) => parseEventData(type as EventName, data);

/** The payload type of a contract event; `unknown` for names outside the contract (tests' own types). */
export type DataOf<N extends string> = N extends EventName ? EventData<N> : unknown;
/** The envelope of a contract event, typed from its schema (STYLE.md habit 2). */
export type EnvelopeOf<N extends string> = N extends EventName ? Envelope<N, EventData<N>> : Envelope<N, unknown>;

export interface BuildEnvelopeOptions {
  /** the publishing service, e.g. `billing` */
  producer: string;
  /** defaults to the current context's correlation id, or a new one when there is none (a new flow) */
  correlationId?: string;
  /** defaults to the message being handled (context causationId), or null */
  causationId?: string | null;
  id?: string;
  occurredAt?: Date;
  /** defaults to the contract's version for contract events, else 1 */
  version?: number;
  validate?: EventValidator;
}

/** Builds a validated envelope; throws when `data` does not match the event's schema. */
export function buildEnvelope<N extends string>(type: N, data: DataOf<N>, options: BuildEnvelopeOptions): EnvelopeOf<N> {
  const validate = options.validate ?? contractValidator;
  const context = currentContext();
  const validData = validate(type, data);
  const envelope = {
    id: options.id ?? randomUUID(),
    type,
    version: options.version ?? (isEventName(type) ? eventSchemas[type].version : 1),
    occurredAt: (options.occurredAt ?? new Date()).toISOString(),
    producer: options.producer,
    correlationId: options.correlationId ?? context?.correlationId ?? randomUUID(),
    causationId: options.causationId !== undefined ? options.causationId : (context?.causationId ?? null),
    data: validData,
  };
  // The envelope's own fields (uuid id, event-name shape) are checked too: a bad one never reaches the outbox.
  envelopeSchema.parse(envelope);
  const unstorable = unstorableTextIn(envelope);
  if (unstorable) throw new Error(`${type} cannot be published: ${unstorable}`);
  return envelope as EnvelopeOf<N>;
}

/**
 * Text no consumer's database could store (a NUL, a lone surrogate: contracts storable-text.ts),
 * described, or undefined. Such an event would fail every retry of every consumer, so it is refused
 * on publish and dead-lettered on arrival at once instead (issue 12 defect 1's class of fault).
 */
function unstorableTextIn(value: unknown): string | undefined {
  const [first] = findUnstorableText(value, 1);
  return first && `${first.path.join('.') || '(root)'} ${first.message}`;
}

export type IncomingCheck =
  | { ok: true; envelope: Envelope }
  | { ok: false; reason: DeadLetterReason; error: string; partial?: { id?: string; type?: string } };

/** Parses and validates a delivered body; never throws. */
export function checkIncoming(content: Buffer, validate: EventValidator = contractValidator): IncomingCheck {
  let raw: unknown;
  try {
    raw = JSON.parse(content.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: DEAD_LETTER_REASONS.invalidJson, error: `body is not JSON: ${errorMessage(err)}` };
  }
  const parsed = envelopeSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    const partial = typeof raw === 'object' && raw !== null ? (raw as { id?: string; type?: string }) : undefined;
    return {
      ok: false,
      reason: DEAD_LETTER_REASONS.invalidEnvelope,
      error: `not a Runfleet envelope: ${issues}`,
      partial: partial && { id: String(partial.id ?? ''), type: String(partial.type ?? '') },
    };
  }
  const envelope = parsed.data as Envelope;
  const unstorable = unstorableTextIn(envelope);
  if (unstorable) {
    return { ok: false, reason: DEAD_LETTER_REASONS.invalidData, error: unstorable, partial: { id: envelope.id, type: envelope.type } };
  }
  if (isEventName(envelope.type) && envelope.version !== eventSchemas[envelope.type].version) {
    return {
      ok: false,
      reason: DEAD_LETTER_REASONS.invalidData,
      error: `${envelope.type} version ${envelope.version} is not the version ${eventSchemas[envelope.type].version} this build understands`,
      partial: { id: envelope.id, type: envelope.type },
    };
  }
  try {
    envelope.data = validate(envelope.type, envelope.data);
  } catch (err) {
    return {
      ok: false,
      reason: DEAD_LETTER_REASONS.invalidData,
      error: errorMessage(err),
      partial: { id: envelope.id, type: envelope.type },
    };
  }
  return { ok: true, envelope };
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
