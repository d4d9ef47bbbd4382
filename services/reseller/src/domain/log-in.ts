// Signing in (issue 19): email and password, then the second factor when the user has one; a
// session token for the gateway's cookie. Lockout is per account and kept in PostgreSQL, so every
// replica agrees: 5 failures lock it for 30 minutes, during which even the right password is refused
// with the same answer as a wrong one (the lock is mailed, not told). The password is checked first
// and the same way for unknown emails, so neither the status nor the time says an email exists.
import { AppError } from '@runfleet/service-kit';
import { emitEvents, event } from '../data/outbox.repository';
import { insertSession } from '../data/session.repository';
import { clearFailedLogins, findUserForLogin, recordFailedLogin, type UserForLogin } from '../data/user.repository';
import { accountErrors } from './account-errors';
import { passwordMatches } from './passwords';
import { generateSessionToken, hashSessionToken } from './session-token';
import { acceptTotpCode } from './totp';
import { userView, type UserView } from './user-view';
import type { AccountDeps } from './use-case-deps';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 30 * 60_000;

export interface LogInInput {
  email: string;
  password: string;
  totpCode?: string;
}

export interface SignedIn {
  /** `rf_ss_…`, given once: the gateway turns it into the rf_session cookie */
  token: string;
  expiresAt: string;
  user: UserView;
}

/** Matches no user: an unknown email's failure makes the same write as a known one's, and changes nothing. */
const NO_USER_ID = '00000000-0000-0000-0000-000000000000';

/**
 * Counts a failure (the lock, when this one sets it, is mailed) and answers `error`. Every refused
 * sign-in comes here, an unknown email's and a locked account's too (where the write changes
 * nothing), so the time of the answer does not tell them apart.
 */
async function refuse(deps: AccountDeps, user: UserForLogin | null, error: AppError): Promise<never> {
  await deps.prisma.$transaction(async (tx) => {
    const lockedUntil = await recordFailedLogin(tx, user?.id ?? NO_USER_ID, deps.now(), MAX_FAILED_LOGINS, LOCKOUT_MS);
    if (user && lockedUntil) {
      await emitEvents(tx, [event('user.locked_out', { userId: user.id, email: user.email, name: user.name, lockedUntil: lockedUntil.toISOString() })]);
    }
  });
  throw error;
}

export async function logIn(deps: AccountDeps, input: LogInInput): Promise<SignedIn> {
  const user = await findUserForLogin(deps.prisma, input.email);
  const matches = await passwordMatches(input.password, user?.passwordHash ?? null);
  if (!user) return refuse(deps, null, accountErrors.loginFailed());
  const now = deps.now();
  if (user.lockedUntil !== null && user.lockedUntil > now) return refuse(deps, user, accountErrors.loginFailed());
  if (!matches) return refuse(deps, user, accountErrors.loginFailed());
  // Only a caller who knows the password learns these.
  if (user.emailVerifiedAt === null) throw accountErrors.emailNotVerified();
  // A session of a deactivated reseller or customer would be refused at its first request
  // (verify-session.ts); say so now rather than sign in to a console that answers 401.
  if (!user.ownerActive) throw accountErrors.accountDeactivated();
  if (user.totpSecret !== null) {
    if (input.totpCode === undefined) throw accountErrors.totpRequired();
    // a wrong code, or a right one already used, counts as a failed sign-in
    if (!(await acceptTotpCode(deps, user.id, user.totpSecret, input.totpCode, now))) return refuse(deps, user, accountErrors.totpRequired());
  }
  return deps.prisma.$transaction(async (tx) => {
    // Refused if an attempt racing this one has just locked the account.
    if (!(await clearFailedLogins(tx, user.id, now))) throw accountErrors.loginFailed();
    const generated = generateSessionToken();
    const absolute = new Date(now.getTime() + deps.sessions.absoluteMs);
    await insertSession(tx, {
      lookupId: generated.lookupId,
      secretHash: hashSessionToken(deps.apiKeyPepper, generated.raw),
      userId: user.id,
      lastSeenAt: now,
      expiresAt: absolute,
    });
    const idle = new Date(now.getTime() + deps.sessions.idleMs);
    return { token: generated.raw, expiresAt: (idle < absolute ? idle : absolute).toISOString(), user: userView(user) };
  });
}
