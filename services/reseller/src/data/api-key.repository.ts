// API keys in the database. Views never select the hash; the verification read is one indexed
// statement (the gateway's hot path, issue 4 "Speed") that also says whether the owner is active.
import type { Pool } from 'pg';
import type { Page } from '@runfleet/contracts';
import type { Db, Prisma } from '../db';
import { afterCursor, NEWEST_FIRST, toPage } from '@runfleet/service-kit';

export type KeyOwnerType = 'admin' | 'reseller' | 'customer';

const apiKeySelect = {
  id: true,
  lookupId: true,
  last4: true,
  ownerType: true,
  ownerId: true,
  resellerId: true,
  name: true,
  scopes: true,
  allowedIps: true,
  rateLimitPerMinute: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
  createdByType: true,
  createdById: true,
  rotatedFromId: true,
  createdAt: true,
} satisfies Prisma.ApiKeySelect;

type ApiKeyRow = Prisma.ApiKeyGetPayload<{ select: typeof apiKeySelect }>;
/** A key as the API shows it: everything but the hash (and the raw key, which is never stored). */
export type ApiKeyRecord = Omit<ApiKeyRow, 'ownerType'> & { ownerType: KeyOwnerType };
const toRecord = (row: ApiKeyRow): ApiKeyRecord => ({ ...row, ownerType: row.ownerType as KeyOwnerType });

/** Which keys a caller may see: all (admin), those filed under a reseller (its own and its customers'), or one owner's. */
export type ApiKeyScope = { all: true } | { resellerId: string } | { ownerType: KeyOwnerType; ownerId: string };

function scopeWhere(scope: ApiKeyScope): Prisma.ApiKeyWhereInput {
  if ('all' in scope) return {};
  if ('resellerId' in scope) return { resellerId: scope.resellerId };
  return { ownerType: scope.ownerType, ownerId: scope.ownerId };
}

export interface NewApiKey {
  lookupId: string;
  secretHash: string;
  last4: string;
  ownerType: KeyOwnerType;
  ownerId: string;
  resellerId: string | null;
  name: string;
  scopes: string[];
  allowedIps: string[];
  rateLimitPerMinute: number | null;
  expiresAt: Date | null;
  createdByType: string;
  createdById: string;
  rotatedFromId?: string;
}

export interface ApiKeyListFilters {
  ownerType?: KeyOwnerType;
  ownerId?: string;
  revoked?: boolean;
  cursor?: string;
  limit: number;
}

export async function insertApiKey(db: Db, data: NewApiKey): Promise<ApiKeyRecord> {
  return toRecord(await db.apiKey.create({ data, select: apiKeySelect }));
}

export async function findApiKey(db: Db, scope: ApiKeyScope, id: string): Promise<ApiKeyRecord | null> {
  const row = await db.apiKey.findFirst({ where: { AND: [{ id }, scopeWhere(scope)] }, select: apiKeySelect });
  return row && toRecord(row);
}

/** Row-locks a visible key inside a transaction and reads it; null when missing or not visible. */
export async function lockApiKey(tx: Db, scope: ApiKeyScope, id: string): Promise<ApiKeyRecord | null> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "api_key" WHERE id = ${id}::uuid FOR UPDATE`;
  return locked.length === 0 ? null : findApiKey(tx, scope, id);
}

export async function updateApiKey(db: Db, id: string, changes: { revokedAt?: Date; expiresAt?: Date | null }): Promise<ApiKeyRecord> {
  return toRecord(await db.apiKey.update({ where: { id }, data: changes, select: apiKeySelect }));
}

export async function listApiKeys(db: Db, scope: ApiKeyScope, filters: ApiKeyListFilters): Promise<Page<ApiKeyRecord>> {
  const where: Prisma.ApiKeyWhereInput = {
    AND: [
      scopeWhere(scope),
      filters.ownerType !== undefined ? { ownerType: filters.ownerType } : {},
      filters.ownerId !== undefined ? { ownerId: filters.ownerId } : {},
      filters.revoked === true ? { revokedAt: { not: null } } : filters.revoked === false ? { revokedAt: null } : {},
      afterCursor(filters.cursor),
    ],
  };
  const rows = await db.apiKey.findMany({ where, orderBy: NEWEST_FIRST, take: filters.limit + 1, select: apiKeySelect });
  return toPage(rows.map(toRecord), filters.limit);
}

/** What verification needs about a key and its owner, in one round trip. */
export interface KeyForVerification {
  id: string;
  secretHash: string;
  ownerType: KeyOwnerType;
  ownerId: string;
  resellerId: string | null;
  scopes: string[];
  allowedIps: string[];
  rateLimitPerMinute: number | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  /** admins: always; resellers and customers: their `active` flag (false also when the owner row is gone) */
  ownerActive: boolean;
}

/** A pg pool or client: the verification path runs on node-postgres directly (see db.ts `pool`). */
export type SqlQueryable = Pick<Pool, 'query'>;

// A named statement is parsed and planned once per connection, then only executed.
const VERIFY_STATEMENT = {
  name: 'apikey-verify',
  text: `SELECT k.id::text AS "id", k.secret_hash AS "secretHash", k.owner_type AS "ownerType", k.owner_id::text AS "ownerId",
                k.reseller_id::text AS "resellerId", k.scopes, k.allowed_ips AS "allowedIps",
                k.rate_limit_per_minute AS "rateLimitPerMinute", k.expires_at AS "expiresAt", k.revoked_at AS "revokedAt",
                CASE k.owner_type WHEN 'admin' THEN true
                                  WHEN 'reseller' THEN COALESCE(r.active, false)
                                  ELSE COALESCE(c.active, false) END AS "ownerActive"
           FROM "api_key" k
           LEFT JOIN "reseller" r ON k.owner_type = 'reseller' AND r.id = k.owner_id
           LEFT JOIN "customer" c ON k.owner_type = 'customer' AND c.id = k.owner_id
          WHERE k.lookup_id = $1`,
};

export async function findKeyForVerification(sql: SqlQueryable, lookupId: string): Promise<KeyForVerification | null> {
  const result = await sql.query<KeyForVerification>({ ...VERIFY_STATEMENT, values: [lookupId] });
  return result.rows[0] ?? null;
}

/**
 * Records use without a write per request: the row is touched only when its last_used_at is older
 * than `minIntervalMs` (the condition also holds across replicas). Returns whether it wrote.
 */
export async function touchLastUsed(sql: SqlQueryable, id: string, now: Date, minIntervalMs: number): Promise<boolean> {
  const result = await sql.query({
    name: 'apikey-touch-last-used',
    text: `UPDATE "api_key" SET last_used_at = $2
            WHERE id = $1::uuid AND (last_used_at IS NULL OR last_used_at <= $3)`,
    values: [id, now, new Date(now.getTime() - minIntervalMs)],
  });
  return (result.rowCount ?? 0) > 0;
}

/** An admin key that still verifies: not revoked, not expired (admins have no active flag). */
export async function hasUsableAdminKey(db: Db, now: Date): Promise<boolean> {
  const found = await db.apiKey.findFirst({
    where: { ownerType: 'admin', revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    select: { id: true },
  });
  return found !== null;
}
