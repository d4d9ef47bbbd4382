// What the mailed one-time links do (issue 19): confirm an email address; reset a forgotten
// password (which also accepts an invitation: it sets the first password and proves the address).
// Each token works once, within its expiry: consumed in the transaction of its effect, so a failed
// effect (a weak new password) leaves it usable.
import { emitEvents, event } from '../data/outbox.repository';
import { consumeUserToken, spendUserTokensOf } from '../data/user-token.repository';
import { findUser, findUserByEmail, updateUser } from '../data/user.repository';
import { accountErrors } from './account-errors';
import { issueMailToken } from './mail-tokens';
import { hashOneTimeToken, type TokenPurpose } from './one-time-token';
import { assertStrongPassword, hashPassword } from './passwords';
import { endSessionsOf } from './sessions';
import type { AccountDeps } from './use-case-deps';

export async function verifyEmail(deps: AccountDeps, token: string): Promise<void> {
  await deps.prisma.$transaction(async (tx) => {
    const now = deps.now();
    const used = await consumeUserToken(tx, hashOneTimeToken(deps.apiKeyPepper, token), ['email_verification'], now);
    if (!used) throw accountErrors.tokenInvalid();
    const user = await findUser(tx, used.userId);
    if (user && user.emailVerifiedAt === null) await updateUser(tx, used.userId, { emailVerifiedAt: now });
  });
}

/** Always accepted (202), known email or not; a known one is mailed a reset link. */
export async function requestPasswordReset(deps: AccountDeps, email: string): Promise<void> {
  await deps.prisma.$transaction(async (tx) => {
    const user = await findUserByEmail(tx, email);
    if (!user) return;
    const mail = await issueMailToken(tx, deps, user.id, 'password_reset');
    await emitEvents(tx, [event('user.password_reset_requested', { userId: user.id, email: user.email, name: user.name, ...mail })]);
  });
}

/** The links that set a password: once one has, every other one of the user's is spent. */
export const PASSWORD_SETTING_PURPOSES: TokenPurpose[] = ['password_reset', 'invitation'];

/** Sets a new password from a reset or invitation link; ends every session of the user. */
export async function confirmPasswordReset(deps: AccountDeps, token: string, password: string): Promise<void> {
  await assertStrongPassword(password, []);
  // Hashing is slow: done before the transaction, and thrown away if the token turns out bad.
  const passwordHash = await hashPassword(password);
  await deps.prisma.$transaction(async (tx) => {
    const now = deps.now();
    const used = await consumeUserToken(tx, hashOneTimeToken(deps.apiKeyPepper, token), PASSWORD_SETTING_PURPOSES, now);
    if (!used) throw accountErrors.tokenInvalid();
    const user = await findUser(tx, used.userId);
    if (!user) throw accountErrors.tokenInvalid();
    // rolls the transaction back, so the token stays usable for a stronger password
    await assertStrongPassword(password, [user.email, user.name]);
    await updateUser(tx, user.id, {
      passwordHash,
      passwordChangedAt: now,
      // the link reached the mailbox: that proves the address
      ...(user.emailVerifiedAt === null ? { emailVerifiedAt: now } : {}),
      // the owner of the mailbox is back in: a lock set by someone guessing is lifted
      failedLogins: 0,
      lockedUntil: null,
    });
    // the other reset or invitation links mailed before this one stop working with it
    await spendUserTokensOf(tx, user.id, PASSWORD_SETTING_PURPOSES, now);
    await endSessionsOf(tx, user.id, now);
    await emitEvents(tx, [event('user.password_changed', { userId: user.id, email: user.email, name: user.name, changedAt: now.toISOString() })]);
  });
}
