// A signed-in person's own account (issue 19): who am I, and changing my password — which ends my
// other sessions (the one I am using stays) and mails a security notice.
import { AppError } from '@runfleet/service-kit';
import { emitEvents, event } from '../data/outbox.repository';
import { spendUserTokensOf } from '../data/user-token.repository';
import { findUser, findUserSecrets, updateUser } from '../data/user.repository';
import { PASSWORD_SETTING_PURPOSES } from './account-tokens';
import { accountErrors } from './account-errors';
import { assertStrongPassword, hashPassword, passwordMatches } from './passwords';
import { endSessionsOf } from './sessions';
import { userView, type UserView } from './user-view';
import type { AccountDeps, UseCaseDeps } from './use-case-deps';

export async function readMyUser(deps: UseCaseDeps, userId: string): Promise<UserView> {
  const user = await findUser(deps.prisma, userId);
  if (!user) throw accountErrors.sessionInvalid();
  return userView(user);
}

export async function changePassword(
  deps: AccountDeps,
  session: { userId: string; sessionId: string },
  input: { currentPassword: string; password: string },
): Promise<void> {
  const user = await findUser(deps.prisma, session.userId);
  const secrets = await findUserSecrets(deps.prisma, session.userId);
  if (!user || !secrets) throw accountErrors.sessionInvalid();
  if (!(await passwordMatches(input.currentPassword, secrets.passwordHash))) {
    throw AppError.unprocessable('AUTH_PASSWORD_WRONG', 'The current password is wrong.', {
      errors: [{ field: 'body.currentPassword', message: 'is not your current password' }],
    });
  }
  await assertStrongPassword(input.password, [user.email, user.name]);
  const passwordHash = await hashPassword(input.password);
  await deps.prisma.$transaction(async (tx) => {
    const now = deps.now();
    await updateUser(tx, user.id, { passwordHash, passwordChangedAt: now });
    // a reset link mailed before the change (perhaps to someone reading the mailbox) no longer works
    await spendUserTokensOf(tx, user.id, PASSWORD_SETTING_PURPOSES, now);
    await endSessionsOf(tx, user.id, now, session.sessionId);
    await emitEvents(tx, [event('user.password_changed', { userId: user.id, email: user.email, name: user.name, changedAt: now.toISOString() })]);
  });
}
