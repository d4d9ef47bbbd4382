// Price list versions in the database (issue 15 item 4): rows are only added, so the history stays
// and a job is priced with the version that was in force when it was submitted.
import type { Db, Prisma } from '../db';
import type { VolumeTier } from '../domain/job-price';

export type PriceUnit = 'second' | 'GB' | 'run';

const priceSelect = {
  id: true,
  jobType: true,
  unit: true,
  unitPrice: true,
  currency: true,
  retired: true,
  effectiveFrom: true,
  createdBy: true,
  createdAt: true,
  resellerId: true,
  tiers: true,
} satisfies Prisma.PriceListSelect;

type Row = Prisma.PriceListGetPayload<{ select: typeof priceSelect }>;
export type PriceListRecord = Omit<Row, 'unit' | 'tiers'> & { unit: PriceUnit; tiers: VolumeTier[] };

// Tiers are stored as decimal strings of micro-units: JSON has no BigInt.
type StoredTier = { fromUnits: string; unitPrice: string };

function toRecord(row: Row): PriceListRecord {
  const tiers = (row.tiers as StoredTier[]).map((t) => ({ fromUnits: BigInt(t.fromUnits), unitPrice: BigInt(t.unitPrice) }));
  return { ...row, unit: row.unit as PriceUnit, tiers };
}

// The newest version effective at a moment wins; a later-created one breaks a tie of effective_from.
const NEWEST_VERSION = [{ effectiveFrom: 'desc' as const }, { createdAt: 'desc' as const }, { id: 'desc' as const }];

/** The version of exactly this price (base: resellerId null, or one reseller's override) in force at `at`, retired or not. */
export async function versionInForce(db: Db, jobType: string, currency: string, resellerId: string | null, at: Date): Promise<PriceListRecord | null> {
  const row = await db.priceList.findFirst({ where: { jobType, currency, resellerId, effectiveFrom: { lte: at } }, orderBy: NEWEST_VERSION, select: priceSelect });
  return row ? toRecord(row) : null;
}

/**
 * The price of `jobType` in `currency` in force at `at` for a customer of `resellerId`: the
 * reseller's override when one is in force, else the base price (null: none, or retired).
 */
export async function priceInForce(db: Db, jobType: string, currency: string, at: Date, resellerId: string | null = null): Promise<PriceListRecord | null> {
  if (resellerId !== null) {
    const override = await versionInForce(db, jobType, currency, resellerId, at);
    if (override && !override.retired) return override;
  }
  const base = await versionInForce(db, jobType, currency, null, at);
  return base && !base.retired ? base : null;
}

export async function findPriceVersion(db: Db, id: string): Promise<PriceListRecord | null> {
  const row = await db.priceList.findUnique({ where: { id }, select: priceSelect });
  return row ? toRecord(row) : null;
}

/** Several versions by id, in one query. */
export async function findPriceVersions(db: Db, ids: readonly string[]): Promise<Map<string, PriceListRecord>> {
  if (ids.length === 0) return new Map();
  const rows = await db.priceList.findMany({ where: { id: { in: [...ids] } }, select: priceSelect });
  return new Map(rows.map((row) => [row.id, toRecord(row)]));
}

export interface NewPriceVersion {
  jobType: string;
  unit: PriceUnit;
  unitPrice: bigint;
  currency: string;
  retired: boolean;
  effectiveFrom: Date;
  createdBy: string;
  resellerId?: string | null;
  tiers?: VolumeTier[];
}

export async function insertPriceVersion(db: Db, version: NewPriceVersion): Promise<PriceListRecord> {
  const tiers: StoredTier[] = (version.tiers ?? []).map((t) => ({ fromUnits: t.fromUnits.toString(), unitPrice: t.unitPrice.toString() }));
  return toRecord(await db.priceList.create({ data: { ...version, resellerId: version.resellerId ?? null, tiers }, select: priceSelect }));
}

/** Every version of one job type, newest first. */
export async function priceHistory(db: Db, jobType: string): Promise<PriceListRecord[]> {
  const rows = await db.priceList.findMany({ where: { jobType }, orderBy: NEWEST_VERSION, select: priceSelect });
  return rows.map(toRecord);
}

/** The version in force at `at` of every job type, currency and override, retired ones left out. */
export async function pricesInForce(db: Db, at: Date): Promise<PriceListRecord[]> {
  const rows = await db.priceList.findMany({
    where: { effectiveFrom: { lte: at } },
    orderBy: [{ jobType: 'asc' }, { currency: 'asc' }, { resellerId: 'asc' }, ...NEWEST_VERSION],
    distinct: ['jobType', 'currency', 'resellerId'],
    select: priceSelect,
  });
  return rows.filter((r) => !r.retired).map(toRecord);
}
