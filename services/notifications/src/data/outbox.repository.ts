// Events of the notifications service, written to the transactional outbox in the caller's
// transaction (DESIGN.md §6; packages/messaging outbox-events.ts) so a state change and its events
// commit or roll back together; the relay in main.ts publishes them.
import { emitToOutbox, type PendingEvent, type SqlExecutor } from '@runfleet/messaging';

export { event, wakingRelayAfterCommits, type PendingEvent } from '@runfleet/messaging';

export const PRODUCER = 'notifications';

/** Call inside a transaction, with its executor (prismaExecutor(tx) or the pg client's). */
export async function emitEvents(sql: SqlExecutor, events: readonly PendingEvent[]): Promise<void> {
  await emitToOutbox(sql, PRODUCER, events);
}
