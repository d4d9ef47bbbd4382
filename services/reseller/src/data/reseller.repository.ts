// Resellers in the database: explicit selects, plain records out; every function takes the client
// or a transaction client.
import { RESELLER_TIERS, type Page } from '@runfleet/contracts';
import type { Db, Prisma } from '../db';
import { afterCursor, NEWEST_FIRST, toPage } from '@runfleet/service-kit';

const resellerSelect = {
  id: true,
  name: true,
  email: true,
  commissionRateBps: true,
  active: true,
  tier: true,
  currency: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.ResellerSelect;

export type ResellerTier = (typeof RESELLER_TIERS)[number];
type ResellerRow = Prisma.ResellerGetPayload<{ select: typeof resellerSelect }>;
/** `tier` narrowed to the four tiers the column's CHECK constraint allows */
export type ResellerRecord = Omit<ResellerRow, 'tier'> & { tier: ResellerTier };

const toRecord = (row: ResellerRow): ResellerRecord => ({ ...row, tier: row.tier as ResellerTier });

export interface NewReseller {
  name: string;
  email: string;
  commissionRateBps: number;
  currency: string;
}

export interface ResellerChanges {
  name?: string;
  email?: string;
  commissionRateBps?: number;
  active?: boolean;
}

export interface ResellerListFilters {
  active?: boolean;
  tier?: string;
  /** case-insensitive substring of the name or email */
  q?: string;
  cursor?: string;
  limit: number;
}

export async function insertReseller(db: Db, data: NewReseller): Promise<ResellerRecord> {
  return toRecord(await db.reseller.create({ data, select: resellerSelect }));
}

export async function findReseller(db: Db, id: string): Promise<ResellerRecord | null> {
  const row = await db.reseller.findUnique({ where: { id }, select: resellerSelect });
  return row && toRecord(row);
}

/** Reads and row-locks a reseller inside a transaction, so concurrent updates see each other's result. */
export async function lockReseller(tx: Db, id: string): Promise<ResellerRecord | null> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "reseller" WHERE id = ${id}::uuid FOR UPDATE`;
  return locked.length === 0 ? null : findReseller(tx, id);
}

export async function updateReseller(db: Db, id: string, changes: ResellerChanges): Promise<ResellerRecord> {
  return toRecord(await db.reseller.update({ where: { id }, data: changes, select: resellerSelect }));
}

export async function listResellers(db: Db, filters: ResellerListFilters): Promise<Page<ResellerRecord>> {
  const where: Prisma.ResellerWhereInput = {
    ...(filters.active !== undefined ? { active: filters.active } : {}),
    ...(filters.tier !== undefined ? { tier: filters.tier } : {}),
    ...(filters.q !== undefined
      ? { AND: [{ OR: [{ name: { contains: filters.q, mode: 'insensitive' } }, { email: { contains: filters.q, mode: 'insensitive' } }] }] }
      : {}),
    ...afterCursor(filters.cursor),
  };
  const rows = await db.reseller.findMany({ where, orderBy: NEWEST_FIRST, take: filters.limit + 1, select: resellerSelect });
  return toPage(rows.map(toRecord), filters.limit);
}
