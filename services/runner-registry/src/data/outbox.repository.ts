// Events of the runner-registry service, written to the transactional outbox in the caller's transaction
// (DESIGN.md §6) so a state change and its events commit or roll back together; the relay in
// main.ts publishes them. Payloads are validated against packages/contracts here, before commit.
import type { EventData, EventName } from '@runfleet/contracts';
import { buildEnvelope, prismaExecutor, writeOutbox, type SqlExecutor } from '@runfleet/messaging';
import type { Db } from '../db';

export const PRODUCER = 'runner-registry';

export interface PendingEvent<N extends EventName = EventName> {
  type: N;
  data: EventData<N>;
}

/** Builds typed pending events so a list of several kinds keeps each payload checked against its name. */
export function event<N extends EventName>(type: N, data: EventData<N>): PendingEvent<N> {
  return { type, data };
}

/** Call inside `prisma.$transaction(async (tx) => …)` with `tx`. */
export async function emitEvents(tx: Db, events: readonly PendingEvent[]): Promise<void> {
  const envelopes = events.map((e) => buildEnvelope(e.type, e.data as never, { producer: PRODUCER }));
  await writeOutbox(prismaExecutor(tx), envelopes);
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

/** The same, on a node-postgres transaction (the runner API's hot path runs on the pool directly). */
export async function emitEventsSql(sql: SqlExecutor, events: readonly PendingEvent[]): Promise<void> {
  const envelopes = events.map((e) => buildEnvelope(e.type, e.data as never, { producer: PRODUCER }));
  await writeOutbox(sql, envelopes);
}
