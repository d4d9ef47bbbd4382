// Session verification for the gateway (issue 19), like API keys' (verify-api-key.ts): a raw
// session token in, the principal of its user out, or one 401 for every reason it does not work
// (malformed, unknown, wrong secret, revoked, idle or past its absolute expiry, account switched off).
// A verification moves the idle clock on (at most once a minute), so activity keeps a session alive.
import { findSessionForVerification, touchSession } from '../data/session.repository';
import type { UserRole } from '../data/user.repository';
import { API_SCOPES } from '@runfleet/contracts';
import { keyMatchesHash } from './api-key-format';
import { accountErrors } from './account-errors';
import { hashSessionToken, sessionLookupIdOf } from './session-token';
import { principalOfUser } from './user-view';
import type { SessionPolicy, VerifyDeps } from './use-case-deps';

export interface VerifiedSession {
  keyId: string;
  principal: { type: UserRole; id: string; resellerId: string | null; scopes: string[]; userId: string; sessionId: string };
  allowedIps: string[];
  rateLimit: null;
  expiresAt: string;
}

/** last_seen_at is written at most this often per session. */
export const LAST_SEEN_RESOLUTION_MS = 60_000;
const DUMMY_HASH = '0'.repeat(64);

export async function verifySession(deps: VerifyDeps & { sessions: SessionPolicy }, rawToken: string): Promise<VerifiedSession> {
  const lookupId = sessionLookupIdOf(rawToken);
  if (lookupId === null) {
    hashSessionToken(deps.apiKeyPepper, rawToken);
    throw accountErrors.sessionInvalid();
  }
  const session = await findSessionForVerification(deps.pool, lookupId);
  const matches = keyMatchesHash(deps.apiKeyPepper, rawToken, session?.secretHash ?? DUMMY_HASH);
  const now = deps.now();
  if (
    !session ||
    !matches ||
    session.revokedAt !== null ||
    session.expiresAt <= now ||
    session.lastSeenAt.getTime() + deps.sessions.idleMs <= now.getTime() ||
    !session.ownerActive
  ) {
    throw accountErrors.sessionInvalid();
  }
  if (now.getTime() - session.lastSeenAt.getTime() >= LAST_SEEN_RESOLUTION_MS) {
    await touchSession(deps.pool, session.id, now, LAST_SEEN_RESOLUTION_MS);
  }
  const idleExpiry = new Date(now.getTime() + deps.sessions.idleMs);
  return {
    keyId: session.id,
    principal: {
      ...principalOfUser(session),
      // a session is full-power for its role; the services still check the role (issue 19)
      scopes: [...API_SCOPES],
      userId: session.userId,
      sessionId: session.id,
    },
    allowedIps: [],
    rateLimit: null,
    expiresAt: (idleExpiry < session.expiresAt ? idleExpiry : session.expiresAt).toISOString(),
  };
}
