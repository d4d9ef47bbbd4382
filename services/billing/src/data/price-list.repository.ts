// Price list versions in the database (issue 15 item 4): rows are only added, so the history stays
// and a job is priced with the version that was in force when it was submitted.
import type { Db, Prisma } from '../db';

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
} satisfies Prisma.PriceListSelect;

type Row = Prisma.PriceListGetPayload<{ select: typeof priceSelect }>;
export type PriceListRecord = Omit<Row, 'unit'> & { unit: PriceUnit };

function toRecord(row: Row): PriceListRecord {
  return { ...row, unit: row.unit as PriceUnit };
}

// The newest version effective at a moment wins; a later-created one breaks a tie of effective_from.
const NEWEST_VERSION = [{ effectiveFrom: 'desc' as const }, { createdAt: 'desc' as const }, { id: 'desc' as const }];

/** The version of `jobType` in `currency` in force at `at` (null: none, or retired). */
export async function priceInForce(db: Db, jobType: string, currency: string, at: Date): Promise<PriceListRecord | null> {
  const row = await db.priceList.findFirst({ where: { jobType, currency, effectiveFrom: { lte: at } }, orderBy: NEWEST_VERSION, select: priceSelect });
  return row && !row.retired ? toRecord(row) : null;
}

export async function findPriceVersion(db: Db, id: string): Promise<PriceListRecord | null> {
  const row = await db.priceList.findUnique({ where: { id }, select: priceSelect });
  return row ? toRecord(row) : null;
}

export interface NewPriceVersion {
  jobType: string;
  unit: PriceUnit;
  unitPrice: bigint;
  currency: string;
  retired: boolean;
  effectiveFrom: Date;
  createdBy: string;
}

export async function insertPriceVersion(db: Db, version: NewPriceVersion): Promise<PriceListRecord> {
  return toRecord(await db.priceList.create({ data: version, select: priceSelect }));
}

/** Every version of one job type, newest first. */
export async function priceHistory(db: Db, jobType: string): Promise<PriceListRecord[]> {
  const rows = await db.priceList.findMany({ where: { jobType }, orderBy: NEWEST_VERSION, select: priceSelect });
  return rows.map(toRecord);
}

/** The version in force at `at` of every job type and currency, retired ones left out. */
export async function pricesInForce(db: Db, at: Date): Promise<PriceListRecord[]> {
  const rows = await db.priceList.findMany({
    where: { effectiveFrom: { lte: at } },
    orderBy: [{ jobType: 'asc' }, { currency: 'asc' }, ...NEWEST_VERSION],
    distinct: ['jobType', 'currency'],
    select: priceSelect,
  });
  return rows.filter((r) => !r.retired).map(toRecord);
}
