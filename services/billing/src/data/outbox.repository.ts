// Events of the billing service, written to the transactional outbox in the caller's transaction
// (DESIGN.md §6; packages/messaging outbox-events.ts) so a state change and its events commit or
// roll back together; the relay in main.ts publishes them.
import { emitToOutbox, type PendingEvent } from '@runfleet/messaging';
import { sqlOf, type Sql } from '../db';

export { event, wakingRelayAfterCommits, type PendingEvent } from '@runfleet/messaging';

export const PRODUCER = 'billing';

/** Call inside `prisma.$transaction(async (tx) => …)` with `tx`, or with a consumer's pg transaction. */
export async function emitEvents(tx: Sql, events: readonly PendingEvent[]): Promise<void> {
  if (events.length === 0) return;
  await emitToOutbox(sqlOf(tx), PRODUCER, events);
}
