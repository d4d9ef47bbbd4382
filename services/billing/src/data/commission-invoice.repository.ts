// The commissions a reseller invoices (issue 16 item 2), read from the `commissions` table the
// commissions work owns (item 1). Only the columns named in that shape are used — id, reseller_id,
// customer_id, source, base_amount, rate, amount, currency, status, approved_at, created_at and
// invoice_id — with SQL rather than a Prisma model, so this file is the one place that knows it.
// A commission belongs to at most one invoice: it is claimed by setting invoice_id in one UPDATE,
// which a concurrent claim waits for and then finds nothing left to take.
import type { Db } from '../db';

export interface InvoicedCommission {
  id: string;
  customerId: string;
  source: string;
  baseAmount: bigint;
  /** as stored (basis points in the commissions table) */
  rate: string;
  amount: bigint;
  currency: string;
  approvedAt: Date | null;
  createdAt: Date;
}

/** Currencies in which `resellerId` has approved commissions on no invoice yet (approved before `approvedBefore` when given). */
export async function uninvoicedCurrencies(db: Db, resellerId: string, approvedBefore?: Date): Promise<string[]> {
  const rows = await db.$queryRaw<{ currency: string }[]>`SELECT DISTINCT "currency" FROM "commissions"
    WHERE "reseller_id" = ${resellerId}::uuid AND "status" = 'approved' AND "invoice_id" IS NULL
      AND (${approvedBefore ?? null}::timestamptz IS NULL OR COALESCE("approved_at", "created_at") < ${approvedBefore ?? null}::timestamptz)
    ORDER BY 1`;
  return rows.map((r) => r.currency);
}

/** Resellers and currencies with approved commissions approved before `approvedBefore` on no invoice, for the monthly run. */
export async function resellersWithUninvoiced(db: Db, approvedBefore: Date, limit: number): Promise<{ resellerId: string; currency: string }[]> {
  return db.$queryRaw<{ resellerId: string; currency: string }[]>`SELECT DISTINCT "reseller_id" AS "resellerId", "currency" FROM "commissions"
    WHERE "status" = 'approved' AND "invoice_id" IS NULL AND COALESCE("approved_at", "created_at") < ${approvedBefore}
    ORDER BY 1, 2
    LIMIT ${limit}`;
}

/**
 * Puts the reseller's approved, not yet invoiced commissions in `currency` on `invoiceId` and
 * returns them by customer, then month earned (created_at), then creation.
 */
export async function claimCommissions(tx: Db, invoiceId: string, resellerId: string, currency: string, approvedBefore?: Date): Promise<InvoicedCommission[]> {
  return tx.$queryRaw<InvoicedCommission[]>`WITH claimed AS (
      UPDATE "commissions" SET "invoice_id" = ${invoiceId}::uuid
      WHERE "reseller_id" = ${resellerId}::uuid AND "currency" = ${currency} AND "status" = 'approved' AND "invoice_id" IS NULL
        AND (${approvedBefore ?? null}::timestamptz IS NULL OR COALESCE("approved_at", "created_at") < ${approvedBefore ?? null}::timestamptz)
      RETURNING "id", "customer_id", "source", "base_amount", "rate", "amount", "currency", "approved_at", "created_at")
    SELECT "id", "customer_id" AS "customerId", "source", "base_amount" AS "baseAmount", "rate"::text AS "rate", "amount", "currency",
      "approved_at" AS "approvedAt", "created_at" AS "createdAt"
    FROM claimed
    ORDER BY "customer_id", date_trunc('month', "created_at"), "created_at", "id"`;
}

/** A voided invoice gives its commissions back, to be invoiced again. */
export async function releaseCommissions(tx: Db, invoiceId: string): Promise<number> {
  return tx.$executeRaw`UPDATE "commissions" SET "invoice_id" = NULL WHERE "invoice_id" = ${invoiceId}::uuid`;
}
