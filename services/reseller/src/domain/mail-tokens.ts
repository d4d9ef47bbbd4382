// Issues a one-time token for a mail (verification, reset, invitation) inside the caller's
// transaction: the hash goes to user_token, the sealed token into the event's data.
import { insertUserToken } from '../data/user-token.repository';
import type { Db } from '../db';
import { generateOneTimeToken, hashOneTimeToken, sealForMail, TOKEN_TTL_MS, type TokenPurpose } from './one-time-token';
import type { AccountDeps } from './use-case-deps';

export async function issueMailToken(
  tx: Db,
  deps: AccountDeps,
  userId: string,
  purpose: TokenPurpose,
): Promise<{ sealedToken: string; expiresAt: string }> {
  const token = generateOneTimeToken();
  const expiresAt = new Date(deps.now().getTime() + TOKEN_TTL_MS[purpose]);
  await insertUserToken(tx, { userId, purpose, tokenHash: hashOneTimeToken(deps.apiKeyPepper, token), expiresAt });
  return { sealedToken: sealForMail(deps.mailTokens, token, userId), expiresAt: expiresAt.toISOString() };
}
