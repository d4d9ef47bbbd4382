// Signed-in sessions (user_session, issue 19). The verification read is one indexed statement on
// the pool, like API keys' (the gateway's hot path), and also says whether the user's account is active.
import type { Db } from '../db';
import type { SqlQueryable } from './api-key.repository';
import type { UserRole } from './user.repository';

export interface NewSession {
  lookupId: string;
  secretHash: string;
  userId: string;
  lastSeenAt: Date;
  expiresAt: Date;
}

export async function insertSession(db: Db, data: NewSession): Promise<{ id: string }> {
  return db.userSession.create({ data, select: { id: true } });
}

export interface SessionForVerification {
  id: string;
  secretHash: string;
  userId: string;
  lastSeenAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  role: UserRole;
  /** a reseller user's reseller; for a customer's user, the customer's reseller (null: direct) */
  resellerId: string | null;
  customerId: string | null;
  /** admins: always; reseller staff and customers' users: their reseller's or customer's `active` */
  ownerActive: boolean;
}

const VERIFY_STATEMENT = {
  name: 'session-verify',
  text: `SELECT s.id::text AS "id", s.secret_hash AS "secretHash", s.user_id::text AS "userId", s.last_seen_at AS "lastSeenAt",
                s.expires_at AS "expiresAt", s.revoked_at AS "revokedAt", u.role,
                CASE u.role WHEN 'customer' THEN c.reseller_id::text ELSE u.reseller_id::text END AS "resellerId",
                u.customer_id::text AS "customerId",
                CASE u.role WHEN 'admin' THEN true
                            WHEN 'reseller' THEN COALESCE(r.active, false)
                            ELSE COALESCE(c.active, false) END AS "ownerActive"
           FROM "user_session" s
           JOIN "app_user" u ON u.id = s.user_id
           LEFT JOIN "reseller" r ON u.role = 'reseller' AND r.id = u.reseller_id
           LEFT JOIN "customer" c ON u.role = 'customer' AND c.id = u.customer_id
          WHERE s.lookup_id = $1`,
};

export async function findSessionForVerification(sql: SqlQueryable, lookupId: string): Promise<SessionForVerification | null> {
  const result = await sql.query<SessionForVerification>({ ...VERIFY_STATEMENT, values: [lookupId] });
  return result.rows[0] ?? null;
}

/** Moves the idle clock on, at most once per `minIntervalMs` (the condition holds across replicas). */
export async function touchSession(sql: SqlQueryable, id: string, now: Date, minIntervalMs: number): Promise<void> {
  await sql.query({
    name: 'session-touch',
    text: `UPDATE "user_session" SET last_seen_at = $2 WHERE id = $1::uuid AND last_seen_at <= $3 AND revoked_at IS NULL`,
    values: [id, now, new Date(now.getTime() - minIntervalMs)],
  });
}

/** Revokes one live session of a user; false when it was already revoked (or is not theirs). */
export async function revokeSession(db: Db, userId: string, sessionId: string, now: Date): Promise<boolean> {
  const result = await db.userSession.updateMany({ where: { id: sessionId, userId, revokedAt: null }, data: { revokedAt: now } });
  return result.count > 0;
}

/** Revokes every live session of a user but `keepId`; returns the ids it revoked. */
export async function revokeSessionsOf(db: Db, userId: string, now: Date, keepId?: string): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE "user_session" SET revoked_at = ${now}::timestamptz
     WHERE user_id = ${userId}::uuid AND revoked_at IS NULL AND expires_at > ${now}::timestamptz
       AND (${keepId ?? null}::uuid IS NULL OR id <> ${keepId ?? null}::uuid)
 RETURNING id::text AS id`;
  return rows.map((r) => r.id);
}
