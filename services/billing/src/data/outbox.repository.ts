// Events of the billing service, written to the transactional outbox in the caller's transaction
// (DESIGN.md §6; packages/messaging outbox-events.ts) so a state change and its events commit or
// roll back together; the relay in main.ts publishes them.
import { emitToOutbox, envelopesOf, type PendingEvent } from '@runfleet/messaging';
import { sqlOf, type Sql } from '../db';
import type { Statement } from './statement';

export { event, wakingRelayAfterCommits, type PendingEvent } from '@runfleet/messaging';

export const PRODUCER = 'billing';

/** Call inside `prisma.$transaction(async (tx) => …)` with `tx`, or with a consumer's pg transaction. */
export async function emitEvents(tx: Sql, events: readonly PendingEvent[]): Promise<void> {
  if (events.length === 0) return;
  await emitToOutbox(sqlOf(tx), PRODUCER, events);
}

/** The outbox rows of `events` as one INSERT … SELECT unnest(…), to run with other writes (statement.ts). */
export function outboxStatement(events: readonly PendingEvent[]): Statement | null {
  if (events.length === 0) return null;
  const envelopes = envelopesOf(PRODUCER, events);
  return {
    sql: `INSERT INTO "outbox_event" ("id", "type", "envelope")
     SELECT id, type, envelope FROM unnest($1::uuid[], $2::text[], $3::jsonb[]) WITH ORDINALITY AS e(id, type, envelope, position) ORDER BY position`,
    params: [envelopes.map((e) => e.id), envelopes.map((e) => e.type), envelopes.map((e) => JSON.stringify(e))],
  };
}
