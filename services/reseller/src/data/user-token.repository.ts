// One-time tokens (user_token, issue 19): stored as their HMAC; consumed by one conditional UPDATE,
// so of two requests racing with the same token exactly one wins.
import type { Db } from '../db';
import type { TokenPurpose } from '../domain/one-time-token';

export async function insertUserToken(db: Db, data: { userId: string; purpose: TokenPurpose; tokenHash: string; expiresAt: Date }): Promise<void> {
  await db.userToken.create({ data, select: { id: true } });
}

/** Marks an unused, unexpired token of one of `purposes` used; its user and purpose, or null. */
export async function consumeUserToken(db: Db, tokenHash: string, purposes: TokenPurpose[], now: Date): Promise<{ userId: string; purpose: TokenPurpose } | null> {
  const rows = await db.$queryRaw<{ userId: string; purpose: TokenPurpose }[]>`
    UPDATE "user_token" SET used_at = ${now}::timestamptz
     WHERE token_hash = ${tokenHash} AND used_at IS NULL AND expires_at > ${now}::timestamptz
       AND purpose = ANY(${purposes}::text[])
 RETURNING user_id::text AS "userId", purpose`;
  return rows[0] ?? null;
}

/**
 * Marks every unused link of `purposes` the user holds used: once a password is set, a reset or
 * invitation link mailed earlier must not set it again.
 */
export async function spendUserTokensOf(db: Db, userId: string, purposes: TokenPurpose[], now: Date): Promise<void> {
  await db.userToken.updateMany({ where: { userId, usedAt: null, purpose: { in: purposes } }, data: { usedAt: now } });
}

/** Deletes tokens that expired or were used before `before`; returns how many. */
export async function deleteSpentUserTokens(db: Db, before: Date): Promise<number> {
  const result = await db.userToken.deleteMany({ where: { OR: [{ expiresAt: { lt: before } }, { usedAt: { lt: before } }] } });
  return result.count;
}
