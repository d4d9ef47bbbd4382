// Price list versions in the database (issue 15 item 4): rows are only added, so the history stays
// and a job is priced with the version that was in force when it was submitted.
import { bigintOf, sqlOf, type Db, type Prisma, type Sql } from '../db';
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
export async function versionInForce(db: Sql, jobType: string, currency: string, resellerId: string | null, at: Date): Promise<PriceListRecord | null> {
  // The newest version effective at a moment wins; a later-created one breaks a tie of effective_from.
  const { rows } = await sqlOf(db).query(
    `SELECT ${PRICE_COLUMNS} FROM "price_list"
     WHERE "job_type" = $1 AND "currency" = $2 AND "reseller_id" IS NOT DISTINCT FROM $3::uuid AND "effective_from" <= $4::timestamptz
     ORDER BY "effective_from" DESC, "created_at" DESC, "id" DESC LIMIT 1`,
    [jobType, currency, resellerId, at],
  );
  return rows[0] ? rawPrice(rows[0]) : null;
}

/**
 * The price of `jobType` in `currency` in force at `at` for a customer of `resellerId`: the
 * reseller's override when one is in force, else the base price (null: none, or retired).
 */
export async function priceInForce(db: Sql, jobType: string, currency: string, at: Date, resellerId: string | null = null): Promise<PriceListRecord | null> {
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

const PRICE_COLUMNS = `"id", "job_type" AS "jobType", "unit", "unit_price" AS "unitPrice", "currency", "retired",
  "effective_from" AS "effectiveFrom", "created_by" AS "createdBy", "created_at" AS "createdAt", "reseller_id" AS "resellerId", "tiers"`;

/** A raw row as pg or Prisma returns it (BIGINT as a string or a bigint, JSONB parsed or not). */
function rawPrice(row: Record<string, unknown>): PriceListRecord {
  const tiers = (typeof row.tiers === 'string' ? JSON.parse(row.tiers) : row.tiers) as StoredTier[];
  return toRecord({ ...(row as unknown as Row), unitPrice: bigintOf(row.unitPrice), tiers });
}

/** Several versions by id, in one query. */
export async function findPriceVersions(db: Sql, ids: readonly string[]): Promise<Map<string, PriceListRecord>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sqlOf(db).query(`SELECT ${PRICE_COLUMNS} FROM "price_list" WHERE "id" = ANY($1::uuid[])`, [ids]);
  return new Map(rows.map((row: Record<string, unknown>) => [String(row.id), rawPrice(row)]));
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
