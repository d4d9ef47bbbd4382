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
