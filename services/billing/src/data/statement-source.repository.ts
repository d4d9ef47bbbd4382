// What a customer's monthly usage statement is made of, read from the ledger (DESIGN.md §2;
// issue 16 item 2): job charges grouped by job type, unit and unit price (the job type and price
// come from the job's hold and the price list version it pinned; the units from the charge entry's
// pricing details), orders, refunds, and credits, each within [from, to).
import type { Db } from '../db';
import { isoDate } from './invoice.repository';

export interface StatementWallet {
  walletId: string;
  customerId: string;
  resellerId: string | null;
  currency: string;
}

/**
 * Customer wallets with a charge, refund or credit in [from, to) and no statement for the period
 * starting at `periodStart` yet, by id after `afterWalletId`; up to `limit`.
 */
export async function walletsDueForStatement(db: Db, from: Date, to: Date, periodStart: Date, afterWalletId: string | null, limit: number): Promise<StatementWallet[]> {
  return db.$queryRaw<StatementWallet[]>`SELECT w."id" AS "walletId", w."owner_id" AS "customerId", w."reseller_id" AS "resellerId", w."currency"
    FROM "wallet" w
    WHERE w."owner_type" = 'customer' AND (${afterWalletId}::uuid IS NULL OR w."id" > ${afterWalletId}::uuid)
      AND EXISTS (SELECT 1 FROM "ledger_entry" e WHERE e."wallet_id" = w."id"
        AND e."type" IN ('charge', 'refund', 'credit', 'adjustment') AND e."created_at" >= ${from} AND e."created_at" < ${to})
      AND NOT EXISTS (SELECT 1 FROM "invoice" i WHERE i."kind" = 'usage' AND i."customer_id" = w."owner_id" AND i."period_start" = ${isoDate(periodStart)}::date)
    ORDER BY w."id"
    LIMIT ${limit}`;
}

export interface JobUsageGroup {
  jobType: string;
  unit: string;
  unitPrice: bigint;
  jobs: number;
  /** micro-units of the unit */
  units: bigint;
  /** Σ charged (positive) */
  amount: bigint;
}

/** Job charges grouped by job type, unit and unit price (a new price version is a line of its own). */
export async function jobUsage(db: Db, walletId: string, from: Date, to: Date): Promise<JobUsageGroup[]> {
  const rows = await db.$queryRaw<{ jobType: string; unit: string; unitPrice: bigint; jobs: bigint; units: bigint; amount: bigint }[]>`
    SELECT COALESCE(h."job_type", 'unknown') AS "jobType", COALESCE(p."unit", 'run') AS "unit", COALESCE(p."unit_price", 0)::bigint AS "unitPrice",
      count(*)::bigint AS "jobs",
      COALESCE(sum(round((e."details"->>'units')::numeric * 1000000)), 0)::bigint AS "units",
      (-sum(e."amount"))::bigint AS "amount"
    FROM "ledger_entry" e
    LEFT JOIN "hold" h ON h."id" = e."hold_id"
    LEFT JOIN "price_list" p ON p."id" = h."price_list_id"
    WHERE e."wallet_id" = ${walletId}::uuid AND e."type" = 'charge' AND e."reference_kind" = 'job'
      AND e."created_at" >= ${from} AND e."created_at" < ${to}
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3`;
  return rows.map((r) => ({ ...r, jobs: Number(r.jobs) }));
}

export interface StatementEntry {
  type: 'charge' | 'refund' | 'credit' | 'adjustment';
  /** signed change of the balance */
  amount: bigint;
  referenceKind: string | null;
  referenceId: string | null;
  createdAt: Date;
}

/** Order charges, refunds and credits of the period, oldest first (one line each). */
export async function otherEntries(db: Db, walletId: string, from: Date, to: Date): Promise<StatementEntry[]> {
  return db.$queryRaw<StatementEntry[]>`SELECT e."type", e."amount", e."reference_kind" AS "referenceKind", e."reference_id" AS "referenceId", e."created_at" AS "createdAt"
    FROM "ledger_entry" e
    WHERE e."wallet_id" = ${walletId}::uuid AND e."created_at" >= ${from} AND e."created_at" < ${to}
      AND (e."type" IN ('refund', 'credit', 'adjustment') OR (e."type" = 'charge' AND e."reference_kind" IS DISTINCT FROM 'job'))
    ORDER BY e."seq"`;
}

