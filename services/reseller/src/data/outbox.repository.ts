// Events of the reseller service, written to the transactional outbox in the caller's transaction
// (DESIGN.md §6; packages/messaging outbox-events.ts) so a state change and its events commit or
// roll back together; the relay in main.ts publishes them.
import { emitToOutbox, prismaExecutor, type PendingEvent } from '@runfleet/messaging';
import type { Db } from '../db';

export { event, wakingRelayAfterCommits, type PendingEvent } from '@runfleet/messaging';

export const PRODUCER = 'reseller';

/** Call inside `prisma.$transaction(async (tx) => …)` with `tx`. */
export async function emitEvents(tx: Db, events: readonly PendingEvent[]): Promise<void> {
  await emitToOutbox(prismaExecutor(tx), PRODUCER, events);
}
