// Writing a service's events to its transactional outbox in the caller's transaction (DESIGN.md §6),
// so a state change and its events commit or roll back together; the service's relay publishes them.
// Payloads are validated against packages/contracts here, before commit. Every service's
// `data/outbox.repository.ts` binds these to its own name and transaction type.
import type { Envelope, EventData, EventName } from '@runfleet/contracts';
import { buildEnvelope } from './event-envelope';
import { writeOutbox } from './outbox-writer';
import type { SqlExecutor } from './sql-executor';

export interface PendingEvent<N extends EventName = EventName> {
  type: N;
  data: EventData<N>;
  /**
   * the message this event answers, when the current context does not name it (a consumer's batch
   * handler emits for many messages at once): its correlation id is kept and its id is the causation
   */
  cause?: { id: string; correlationId: string };
}

/** Builds typed pending events so a list of several kinds keeps each payload checked against its name. */
export function event<N extends EventName>(type: N, data: EventData<N>): PendingEvent<N> {
  return { type, data };
}

/** Envelopes `events` as `producer`: validated, ids from the current context or from each event's cause. */
export function envelopesOf(producer: string, events: readonly PendingEvent[]): Envelope[] {
  return events.map((e) =>
    buildEnvelope(e.type, e.data as never, e.cause ? { producer, correlationId: e.cause.correlationId, causationId: e.cause.id } : { producer }),
  );
}

/** Envelopes `events` as `producer` and writes them to the outbox through `sql` (the caller's transaction). */
export async function emitToOutbox(sql: SqlExecutor, producer: string, events: readonly PendingEvent[]): Promise<void> {
  await writeOutbox(sql, envelopesOf(producer, events));
}

/**
 * The Prisma client the use cases get: every interactive transaction that commits wakes the outbox
 * relay at once (DESIGN.md §6: events published promptly after the state change), so use cases
 * keep calling `prisma.$transaction(...)` and need not know about the relay. A transaction without
 * outbox rows costs the relay one empty claim.
 */
export function wakingRelayAfterCommits<T extends { $transaction: (...args: never[]) => Promise<unknown> }>(
  prisma: T,
  wakeRelay: () => void,
): T {
  return new Proxy(prisma, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (property === '$transaction') {
        return async (...args: never[]) => {
          const result = await target.$transaction(...args);
          wakeRelay();
          return result;
        };
      }
      // Prisma's methods rely on their own `this`, never on the proxy's.
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
