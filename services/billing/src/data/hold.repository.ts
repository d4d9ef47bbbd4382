// Holds in the database (DESIGN.md §10 "Holds"): one per job, pending → posted | voided | expired.
// A hold is settled only under its row lock, so of two deliveries of job.completed (or a posting
// racing the expiry sweeper) exactly one finds it pending.
import type { Page } from '@runfleet/contracts';
import { Prisma, type Db } from '../db';
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

const COLUMNS = Prisma.sql`"id", "wallet_id" AS "walletId", "amount", "status", "reference_kind" AS "referenceKind",
  "reference_id" AS "referenceId", "job_type" AS "jobType", "price_list_id" AS "priceListId", "captured",
  "expires_at" AS "expiresAt", "created_at" AS "createdAt", "settled_at" AS "settledAt"`;

export interface NewHold {
  walletId: string;
  amount: bigint;
  referenceKind: string;
  referenceId: string;
  jobType: string | null;
  priceListId: string | null;
  expiresAt: Date | null;
}

export async function insertHold(tx: Db, hold: NewHold): Promise<HoldRecord> {
  const rows = await tx.$queryRaw<HoldRecord[]>`INSERT INTO "hold"
    ("wallet_id", "amount", "reference_kind", "reference_id", "job_type", "price_list_id", "expires_at")
    VALUES (${hold.walletId}::uuid, ${hold.amount}, ${hold.referenceKind}, ${hold.referenceId}, ${hold.jobType},
      ${hold.priceListId}::uuid, ${hold.expiresAt})
    RETURNING ${COLUMNS}`;
  return rows[0]!;
}

/** The hold for a job or order, locked FOR UPDATE until the transaction ends. */
export async function lockHoldByReference(tx: Db, referenceKind: string, referenceId: string): Promise<HoldRecord | null> {
  const rows = await tx.$queryRaw<HoldRecord[]>`SELECT ${COLUMNS} FROM "hold"
    WHERE "reference_kind" = ${referenceKind} AND "reference_id" = ${referenceId} FOR UPDATE`;
  return rows[0] ?? null;
}

/** The holds for these jobs or orders, locked FOR UPDATE in id order (a stable order: concurrent batches never deadlock). */
export async function lockHoldsByReferences(tx: Db, referenceKind: string, referenceIds: readonly string[]): Promise<HoldRecord[]> {
  if (referenceIds.length === 0) return [];
  return tx.$queryRaw<HoldRecord[]>`SELECT ${COLUMNS} FROM "hold"
    WHERE "reference_kind" = ${referenceKind} AND "reference_id" IN (${Prisma.join(referenceIds)})
    ORDER BY "id" FOR UPDATE`;
}

export async function findHoldByReference(db: Db, referenceKind: string, referenceId: string): Promise<HoldRecord | null> {
  const rows = await db.$queryRaw<HoldRecord[]>`SELECT ${COLUMNS} FROM "hold"
    WHERE "reference_kind" = ${referenceKind} AND "reference_id" = ${referenceId}`;
  return rows[0] ?? null;
}

/** Settles a locked pending hold. */
export async function settleHold(tx: Db, holdId: string, status: Exclude<HoldStatus, 'pending'>, captured: bigint | null, at: Date): Promise<void> {
  await tx.$executeRaw`UPDATE "hold" SET "status" = ${status}, "captured" = ${captured}, "settled_at" = ${at}
    WHERE "id" = ${holdId}::uuid AND "status" = 'pending'`;
}

/** Settles locked pending holds with one UPDATE … FROM (VALUES …). */
export async function settleHolds(
  tx: Db,
  settled: readonly { id: string; status: Exclude<HoldStatus, 'pending'>; captured: bigint | null }[],
  at: Date,
): Promise<void> {
  if (settled.length === 0) return;
  const values = settled.map((h) => Prisma.sql`(${h.id}::uuid, ${h.status}, ${h.captured}::bigint)`);
  await tx.$executeRaw`UPDATE "hold" h SET "status" = v.status, "captured" = v.captured, "settled_at" = ${at}
    FROM (VALUES ${Prisma.join(values)}) AS v(id, status, captured)
    WHERE h."id" = v.id AND h."status" = 'pending'`;
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
