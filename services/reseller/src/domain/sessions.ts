// Ending sessions (issue 19): signing out ends one; a password change ends the user's others, a
// reset all of them. Each ended session is announced (session.revoked) so the gateway drops its
// cached principal within a second; the events commit with the revocation (outbox).
import { emitEvents, event } from '../data/outbox.repository';
import { revokeSession, revokeSessionsOf } from '../data/session.repository';
import type { Db } from '../db';
import type { UseCaseDeps } from './use-case-deps';

export async function logOut(deps: UseCaseDeps, session: { userId: string; sessionId: string }): Promise<void> {
  await deps.prisma.$transaction(async (tx) => {
    if (await revokeSession(tx, session.userId, session.sessionId, deps.now())) {
      await emitEvents(tx, [event('session.revoked', { keyId: session.sessionId, userId: session.userId })]);
    }
  });
}

/** Inside the caller's transaction: revokes the user's live sessions (but `keepId`) and announces each. */
export async function endSessionsOf(tx: Db, userId: string, now: Date, keepId?: string): Promise<number> {
  const ids = await revokeSessionsOf(tx, userId, now, keepId);
  if (ids.length > 0) await emitEvents(tx, ids.map((id) => event('session.revoked', { keyId: id, userId })));
  return ids.length;
}
