// The commissions a reseller invoices (issue 16 item 2), read from the `commission` table the
// commissions work owns (item 1; migration 20261205300000_commissions): earnings and clawbacks
// (negative) alike, with the rate applied (the reseller's rate plus its tier bonus) and the month
// earned. This file is the one place of the invoices work that knows that table.
// A commission belongs to at most one invoice: it is claimed by setting invoice_id in one UPDATE,
// which a concurrent claim waits for and then finds nothing left to take.
// Invoiced are `approved` and `paid` commissions alike: a payout that completes before the reseller
// invoices turns its approved commissions paid, and they must still be invoiced once (a pending one
// is not earned yet). INVOICEABLE is that rule, shared by every query below.
import { Prisma, type Db } from '../db';

const INVOICEABLE = Prisma.sql`"status" IN ('approved', 'paid') AND "invoice_id" IS NULL`;

export interface InvoicedCommission {
  id: string;
  customerId: string;
  source: string;
  baseAmount: bigint;
  /** basis points applied: the reseller's rate plus its tier bonus */
  rate: string;
  amount: bigint;
  currency: string;
  approvedAt: Date | null;
  /** when it was earned */
  createdAt: Date;
}

/** Currencies in which `resellerId` has approved or paid commissions on no invoice yet (approved before `approvedBefore` when given). */
export async function uninvoicedCurrencies(db: Db, resellerId: string, approvedBefore?: Date): Promise<string[]> {
  const rows = await db.$queryRaw<{ currency: string }[]>`SELECT DISTINCT "currency" FROM "commission"
    WHERE "reseller_id" = ${resellerId}::uuid AND ${INVOICEABLE}
      AND (${approvedBefore ?? null}::timestamptz IS NULL OR COALESCE("approved_at", "earned_at") < ${approvedBefore ?? null}::timestamptz)
    ORDER BY 1`;
  return rows.map((r) => r.currency);
}

/** Resellers and currencies with approved or paid commissions approved before `approvedBefore` on no invoice, for the monthly run. */
export async function resellersWithUninvoiced(db: Db, approvedBefore: Date, limit: number): Promise<{ resellerId: string; currency: string }[]> {
  return db.$queryRaw<{ resellerId: string; currency: string }[]>`SELECT DISTINCT "reseller_id" AS "resellerId", "currency" FROM "commission"
    WHERE ${INVOICEABLE} AND COALESCE("approved_at", "earned_at") < ${approvedBefore}
    ORDER BY 1, 2
    LIMIT ${limit}`;
}

/**
 * Puts the reseller's approved or paid, not yet invoiced commissions in `currency` on `invoiceId` and
 * returns them by customer, then month earned, then time earned.
 */
export async function claimCommissions(tx: Db, invoiceId: string, resellerId: string, currency: string, approvedBefore?: Date): Promise<InvoicedCommission[]> {
  return tx.$queryRaw<InvoicedCommission[]>`WITH claimed AS (
      UPDATE "commission" SET "invoice_id" = ${invoiceId}::uuid
      WHERE "reseller_id" = ${resellerId}::uuid AND "currency" = ${currency} AND ${INVOICEABLE}
        AND (${approvedBefore ?? null}::timestamptz IS NULL OR COALESCE("approved_at", "earned_at") < ${approvedBefore ?? null}::timestamptz)
      RETURNING "id", "customer_id", "source_kind", "base", "rate_bps" + "tier_bonus_bps" AS "rate", "amount", "currency", "approved_at", "earned_at")
    SELECT "id", "customer_id" AS "customerId", "source_kind" AS "source", "base" AS "baseAmount", "rate"::text AS "rate", "amount", "currency",
      "approved_at" AS "approvedAt", "earned_at" AS "createdAt"
    FROM claimed
    ORDER BY "customer_id", date_trunc('month', "earned_at"), "earned_at", "id"`;
}

/** A voided invoice gives its commissions back, to be invoiced again. */
export async function releaseCommissions(tx: Db, invoiceId: string): Promise<number> {
  return tx.$executeRaw`UPDATE "commission" SET "invoice_id" = NULL WHERE "invoice_id" = ${invoiceId}::uuid`;
}
