// Holds in the database (DESIGN.md §10 "Holds"): one per job, pending → posted | voided | expired.
// A hold is settled only under its row lock, so of two deliveries of job.completed (or a posting
// racing the expiry sweeper) exactly one finds it pending.
import type { Page } from '@runfleet/contracts';
import { bigintOf, Prisma, sqlOf, type Db, type Sql } from '../db';
import type { Statement } from './statement';
import { afterCursor, NEWEST_FIRST, toPage } from '@runfleet/service-kit';
import { walletScopeWhere, type WalletScope } from './wallet.repository';

export type HoldStatus = 'pending' | 'posted' | 'voided' | 'expired';

export interface HoldRecord {
  id: string;
  walletId: string;
  amount: bigint;
  status: HoldStatus;
  referenceKind: string;
  referenceId: string;
  jobType: string | null;
  priceListId: string | null;
  captured: bigint | null;
  expiresAt: Date | null;
  createdAt: Date;
  settledAt: Date | null;
}

const COLUMN_LIST = `"id", "wallet_id" AS "walletId", "amount", "status", "reference_kind" AS "referenceKind",
  "reference_id" AS "referenceId", "job_type" AS "jobType", "price_list_id" AS "priceListId", "captured",
  "expires_at" AS "expiresAt", "created_at" AS "createdAt", "settled_at" AS "settledAt"`;
const COLUMNS = Prisma.raw(COLUMN_LIST);

/** A row as pg or Prisma returns it (BIGINTs as strings or bigints). */
function holdOf(row: Record<string, unknown>): HoldRecord {
  return { ...(row as unknown as HoldRecord), amount: bigintOf(row.amount), captured: row.captured === null ? null : bigintOf(row.captured) };
}

export interface NewHold {
  walletId: string;
  amount: bigint;
  referenceKind: string;
  referenceId: string;
  jobType: string | null;
  priceListId: string | null;
  expiresAt: Date | null;
}

export async function insertHold(db: Sql, hold: NewHold): Promise<HoldRecord> {
  const { rows } = await sqlOf(db).query(
    `INSERT INTO "hold" ("wallet_id", "amount", "reference_kind", "reference_id", "job_type", "price_list_id", "expires_at")
     VALUES ($1::uuid, $2::bigint, $3, $4, $5, $6::uuid, $7::timestamptz)
     RETURNING ${COLUMN_LIST}`,
    [hold.walletId, hold.amount.toString(), hold.referenceKind, hold.referenceId, hold.jobType, hold.priceListId, hold.expiresAt],
  );
  return holdOf(rows[0]);
}

/** The holds for these jobs or orders, locked FOR UPDATE in id order (a stable order: concurrent batches never deadlock). */
export async function lockHoldsByReferences(db: Sql, referenceKind: string, referenceIds: readonly string[]): Promise<HoldRecord[]> {
  if (referenceIds.length === 0) return [];
  const { rows } = await sqlOf(db).query(
    `SELECT ${COLUMN_LIST} FROM "hold" WHERE "reference_kind" = $1 AND "reference_id" = ANY($2::text[]) ORDER BY "id" FOR UPDATE`,
    [referenceKind, referenceIds],
  );
  return rows.map(holdOf);
}

/** The hold of one payout (or job, order), locked FOR UPDATE until the transaction ends. */
export async function lockHoldByReference(tx: Db, referenceKind: string, referenceId: string): Promise<HoldRecord | null> {
  const rows = await tx.$queryRaw<HoldRecord[]>`SELECT ${COLUMNS} FROM "hold"
    WHERE "reference_kind" = ${referenceKind} AND "reference_id" = ${referenceId} FOR UPDATE`;
  return rows[0] ?? null;
}

/** Settles one locked pending hold (payouts; job holds are settled in batches by settleHoldsStatement). */
export async function settleHold(tx: Db, holdId: string, status: Exclude<HoldStatus, 'pending'>, captured: bigint | null, at: Date): Promise<void> {
  await tx.$executeRaw`UPDATE "hold" SET "status" = ${status}, "captured" = ${captured}, "settled_at" = ${at}
    WHERE "id" = ${holdId}::uuid AND "status" = 'pending'`;
}

/** Whether a job or order has a hold (in any state). */
export async function holdExists(db: Sql, referenceKind: string, referenceId: string): Promise<boolean> {
  const { rows } = await sqlOf(db).query(`SELECT 1 FROM "hold" WHERE "reference_kind" = $1 AND "reference_id" = $2`, [referenceKind, referenceId]);
  return rows.length > 0;
}

export async function findHoldByReference(db: Db, referenceKind: string, referenceId: string): Promise<HoldRecord | null> {
  const rows = await db.$queryRaw<HoldRecord[]>`SELECT ${COLUMNS} FROM "hold"
    WHERE "reference_kind" = ${referenceKind} AND "reference_id" = ${referenceId}`;
  return rows[0] ?? null;
}

/** Settles locked pending holds with one UPDATE … FROM unnest(…). */
export function settleHoldsStatement(
  settled: readonly { id: string; status: Exclude<HoldStatus, 'pending'>; captured: bigint | null }[],
  at: Date,
): Statement | null {
  if (settled.length === 0) return null;
  return {
    sql: `UPDATE "hold" h SET "status" = v.status, "captured" = v.captured, "settled_at" = $4::timestamptz
     FROM unnest($1::uuid[], $2::text[], $3::bigint[]) AS v(id, status, captured)
     WHERE h."id" = v.id AND h."status" = 'pending'`,
    params: [settled.map((h) => h.id), settled.map((h) => h.status), settled.map((h) => h.captured?.toString() ?? null), at],
  };
}

/**
 * Locks up to `limit` pending holds that expired before `now`, skipping those another transaction
 * holds (a replica's sweeper, a posting in flight), so sweepers on several replicas share the work
 * and never release one hold twice.
 */
export async function lockExpiredHolds(tx: Db, now: Date, limit: number): Promise<HoldRecord[]> {
  return tx.$queryRaw<HoldRecord[]>`SELECT ${COLUMNS} FROM "hold"
    WHERE "status" = 'pending' AND "expires_at" < ${now}
    ORDER BY "expires_at" LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
}

const holdSelect = {
  id: true,
  walletId: true,
  amount: true,
  status: true,
  referenceKind: true,
  referenceId: true,
  jobType: true,
  priceListId: true,
  captured: true,
  expiresAt: true,
  createdAt: true,
  settledAt: true,
} satisfies Prisma.HoldSelect;

export interface HoldListFilters {
  scope: WalletScope;
  walletId?: string;
  status?: HoldStatus;
  cursor?: string;
  limit: number;
}

/** Holds on the wallets `scope` allows, newest first. */
export async function listHolds(db: Db, filters: HoldListFilters): Promise<Page<HoldRecord>> {
  const rows = await db.hold.findMany({
    where: {
      AND: [
        { wallet: walletScopeWhere(filters.scope) },
        filters.walletId !== undefined ? { walletId: filters.walletId } : {},
        filters.status !== undefined ? { status: filters.status } : {},
        afterCursor(filters.cursor),
      ],
    },
    orderBy: NEWEST_FIRST,
    take: filters.limit + 1,
    select: holdSelect,
  });
  return toPage(rows as HoldRecord[], filters.limit);
}

export async function findHold(db: Db, id: string, scope: WalletScope): Promise<HoldRecord | null> {
  const row = await db.hold.findFirst({ where: { id, wallet: walletScopeWhere(scope) }, select: holdSelect });
  return (row as HoldRecord | null) ?? null;
}
