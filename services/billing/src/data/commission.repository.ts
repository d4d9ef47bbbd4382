// Commissions in the database (issue 16 item 1): inserted once per sale or refund (a unique key),
// approved and booked under the reseller's earnings-wallet lock (taken first, then the rows), read
// with explicit selects.
import type { Page } from '@runfleet/contracts';
import { afterCursor, NEWEST_FIRST, toPage } from '@runfleet/service-kit';
import { Prisma, type Db } from '../db';

export type CommissionKind = 'earning' | 'clawback';
export type CommissionStatus = 'pending' | 'approved' | 'paid';
export type SourceKind = 'job' | 'order';

export interface CommissionRecord {
  id: string;
  resellerId: string;
  walletId: string;
  customerId: string;
  kind: CommissionKind;
  clawbackOf: string | null;
  sourceKind: SourceKind;
  sourceId: string;
  chargeEntryId: string | null;
  base: bigint;
  rateBps: number;
  tier: string;
  tierBonusBps: number;
  amount: bigint;
  booked: bigint;
  currency: string;
  status: CommissionStatus;
  earnedAt: Date;
  approvedAt: Date | null;
  approvedBy: string | null;
  paidAt: Date | null;
  payoutId: string | null;
  invoiceId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = Prisma.sql`"id", "reseller_id" AS "resellerId", "wallet_id" AS "walletId", "customer_id" AS "customerId", "kind",
  "clawback_of" AS "clawbackOf", "source_kind" AS "sourceKind", "source_id" AS "sourceId", "charge_entry_id" AS "chargeEntryId",
  "base", "rate_bps" AS "rateBps", "tier", "tier_bonus_bps" AS "tierBonusBps", "amount", "booked", "currency", "status",
  "earned_at" AS "earnedAt", "approved_at" AS "approvedAt", "approved_by" AS "approvedBy", "paid_at" AS "paidAt",
  "payout_id" AS "payoutId", "invoice_id" AS "invoiceId", "created_at" AS "createdAt", "updated_at" AS "updatedAt"`;

const select = {
  id: true,
  resellerId: true,
  walletId: true,
  customerId: true,
  kind: true,
  clawbackOf: true,
  sourceKind: true,
  sourceId: true,
  chargeEntryId: true,
  base: true,
  rateBps: true,
  tier: true,
  tierBonusBps: true,
  amount: true,
  booked: true,
  currency: true,
  status: true,
  earnedAt: true,
  approvedAt: true,
  approvedBy: true,
  paidAt: true,
  payoutId: true,
  invoiceId: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.CommissionSelect;

export type NewCommission = Omit<CommissionRecord, 'id' | 'booked' | 'approvedAt' | 'approvedBy' | 'paidAt' | 'payoutId' | 'invoiceId' | 'createdAt' | 'updatedAt'> & {
  idempotencyKey: string;
  approvedAt?: Date | null;
  approvedBy?: string | null;
};

/** Inserts the commission unless its key was used; returns it, or null when it already existed. */
export async function insertCommission(tx: Db, c: NewCommission): Promise<CommissionRecord | null> {
  const rows = await tx.$queryRaw<CommissionRecord[]>`INSERT INTO "commission"
    ("reseller_id", "wallet_id", "customer_id", "kind", "clawback_of", "source_kind", "source_id", "charge_entry_id", "base",
     "rate_bps", "tier", "tier_bonus_bps", "amount", "currency", "status", "earned_at", "approved_at", "approved_by", "idempotency_key")
    VALUES (${c.resellerId}::uuid, ${c.walletId}::uuid, ${c.customerId}::uuid, ${c.kind}, ${c.clawbackOf}::uuid, ${c.sourceKind},
      ${c.sourceId}::uuid, ${c.chargeEntryId}::uuid, ${c.base}, ${c.rateBps}, ${c.tier}, ${c.tierBonusBps}, ${c.amount}, ${c.currency},
      ${c.status}, ${c.earnedAt}, ${c.approvedAt ?? null}, ${c.approvedBy ?? null}, ${c.idempotencyKey})
    ON CONFLICT ("idempotency_key") DO NOTHING
    RETURNING ${COLUMNS}`;
  return rows[0] ?? null;
}

/** The charge entry an order's payment kept (billing's order_payment), if it was paid. */
export async function chargeOfOrder(db: Db, orderId: string): Promise<string | null> {
  const row = await db.orderPayment.findUnique({ where: { orderId }, select: { chargeEntryId: true } });
  return row?.chargeEntryId ?? null;
}

/** The earning on a customer's charge entry (a job charge, or the charge of a fulfilled order). */
export async function findEarningOfCharge(db: Db, chargeEntryId: string): Promise<CommissionRecord | null> {
  const row = await db.commission.findFirst({ where: { chargeEntryId, kind: 'earning' }, select });
  return row as CommissionRecord | null;
}

export async function lockCommission(tx: Db, id: string): Promise<CommissionRecord | null> {
  const rows = await tx.$queryRaw<CommissionRecord[]>`SELECT ${COLUMNS} FROM "commission" WHERE "id" = ${id}::uuid FOR UPDATE`;
  return rows[0] ?? null;
}

/** Σ of the clawbacks of an earning so far (a positive amount). */
export async function clawedBackSoFar(tx: Db, earningId: string): Promise<bigint> {
  const rows = await tx.$queryRaw<{ total: bigint | null }[]>`SELECT -sum("amount")::bigint AS "total" FROM "commission" WHERE "clawback_of" = ${earningId}::uuid`;
  return rows[0]?.total ?? 0n;
}

/** Resellers with pending earnings due for approval (earned at or before `cutoff`). */
export async function resellersWithDueEarnings(db: Db, cutoff: Date, limit: number): Promise<string[]> {
  const rows = await db.$queryRaw<{ resellerId: string }[]>`SELECT DISTINCT "reseller_id" AS "resellerId" FROM "commission"
    WHERE "status" = 'pending' AND "kind" = 'earning' AND "earned_at" <= ${cutoff} LIMIT ${limit}`;
  return rows.map((r) => r.resellerId);
}

/** A reseller's due pending earnings and their pending clawbacks, locked (the wallet is locked first). */
export async function lockDueEarnings(tx: Db, resellerId: string, cutoff: Date): Promise<CommissionRecord[]> {
  return tx.$queryRaw<CommissionRecord[]>`SELECT ${COLUMNS} FROM "commission"
    WHERE "reseller_id" = ${resellerId}::uuid AND "status" = 'pending' AND "kind" = 'earning' AND "earned_at" <= ${cutoff}
    ORDER BY "earned_at", "id" FOR UPDATE`;
}

/** Approves pending commissions: the given ones and every pending clawback of them. */
export async function approveCommissions(tx: Db, ids: string[], at: Date, by: string): Promise<number> {
  if (ids.length === 0) return 0;
  return tx.$executeRaw`UPDATE "commission" SET "status" = 'approved', "approved_at" = ${at}, "approved_by" = ${by}, "updated_at" = now()
    WHERE "status" = 'pending' AND ("id" = ANY(${ids}::uuid[]) OR "clawback_of" = ANY(${ids}::uuid[]))`;
}

/** A reseller's approved commissions not yet wholly on its earnings wallet, oldest first, locked. */
export async function lockUnbooked(tx: Db, resellerId: string): Promise<CommissionRecord[]> {
  return tx.$queryRaw<CommissionRecord[]>`SELECT ${COLUMNS} FROM "commission"
    WHERE "reseller_id" = ${resellerId}::uuid AND "status" <> 'pending' AND "booked" <> "amount"
    ORDER BY "approved_at", "created_at", "id" FOR UPDATE`;
}

export async function setBooked(tx: Db, id: string, booked: bigint): Promise<void> {
  await tx.$executeRaw`UPDATE "commission" SET "booked" = ${booked}, "updated_at" = now() WHERE "id" = ${id}::uuid`;
}

/**
 * Marks a reseller's approved, wholly booked commissions paid, oldest first, as far as its completed
 * payouts cover them: Σ paid commissions never exceeds Σ completed payouts.
 */
export async function markPaidUpTo(tx: Db, resellerId: string, payoutId: string, at: Date): Promise<number> {
  const totals = await tx.$queryRaw<{ paid: bigint; paidOut: bigint }[]>`SELECT
    (SELECT coalesce(sum("amount"), 0)::bigint FROM "commission" WHERE "reseller_id" = ${resellerId}::uuid AND "status" = 'paid') AS "paid",
    (SELECT coalesce(sum("amount"), 0)::bigint FROM "payout" WHERE "reseller_id" = ${resellerId}::uuid AND "status" = 'completed') AS "paidOut"`;
  let room = (totals[0]?.paidOut ?? 0n) - (totals[0]?.paid ?? 0n);
  const approved = await tx.$queryRaw<{ id: string; amount: bigint }[]>`SELECT "id", "amount" FROM "commission"
    WHERE "reseller_id" = ${resellerId}::uuid AND "status" = 'approved' AND "booked" = "amount"
    ORDER BY "approved_at", "created_at", "id" FOR UPDATE`;
  const paid: string[] = [];
  for (const row of approved) {
    if (row.amount > room) break;
    room -= row.amount;
    paid.push(row.id);
  }
  if (paid.length === 0) return 0;
  return tx.$executeRaw`UPDATE "commission" SET "status" = 'paid', "paid_at" = ${at}, "payout_id" = ${payoutId}::uuid, "updated_at" = now()
    WHERE "id" = ANY(${paid}::uuid[])`;
}

export interface CommissionListFilters {
  /** null: every reseller (admins) */
  resellerId: string | null;
  customerId?: string;
  status?: CommissionStatus;
  kind?: CommissionKind;
  sourceKind?: SourceKind;
  from?: Date;
  to?: Date;
  cursor?: string;
  limit: number;
}

export async function listCommissions(db: Db, f: CommissionListFilters): Promise<Page<CommissionRecord>> {
  const where: Prisma.CommissionWhereInput = {
    AND: [
      {
        ...(f.resellerId !== null ? { resellerId: f.resellerId } : {}),
        ...(f.customerId !== undefined ? { customerId: f.customerId } : {}),
        ...(f.status !== undefined ? { status: f.status } : {}),
        ...(f.kind !== undefined ? { kind: f.kind } : {}),
        ...(f.sourceKind !== undefined ? { sourceKind: f.sourceKind } : {}),
        ...(f.from || f.to ? { earnedAt: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) } } : {}),
      },
      afterCursor(f.cursor),
    ],
  };
  const rows = await db.commission.findMany({ where, orderBy: NEWEST_FIRST, take: f.limit + 1, select });
  return toPage(rows as CommissionRecord[], f.limit);
}

export async function findCommission(db: Db, id: string): Promise<CommissionRecord | null> {
  return (await db.commission.findUnique({ where: { id }, select })) as CommissionRecord | null;
}

export interface StatusTotals {
  pending: bigint;
  approved: bigint;
  paid: bigint;
  /** Σ of clawbacks, as a positive amount */
  clawedBack: bigint;
  /** Σ of what is on the earnings wallet (the ledger's commission entries) */
  booked: bigint;
}

const TOTALS = Prisma.sql`coalesce(sum("amount") FILTER (WHERE "status" = 'pending'), 0)::bigint AS "pending",
  coalesce(sum("amount") FILTER (WHERE "status" = 'approved'), 0)::bigint AS "approved",
  coalesce(sum("amount") FILTER (WHERE "status" = 'paid'), 0)::bigint AS "paid",
  coalesce(-sum("amount") FILTER (WHERE "kind" = 'clawback'), 0)::bigint AS "clawedBack",
  coalesce(sum("booked"), 0)::bigint AS "booked"`;

export async function totalsOf(db: Db, resellerId: string): Promise<StatusTotals> {
  const rows = await db.$queryRaw<StatusTotals[]>`SELECT ${TOTALS} FROM "commission" WHERE "reseller_id" = ${resellerId}::uuid`;
  return rows[0]!;
}

/** Totals per calendar month (UTC) of when each commission was earned, newest first. */
export async function totalsByMonth(db: Db, resellerId: string): Promise<(StatusTotals & { month: string })[]> {
  return db.$queryRaw`SELECT to_char(date_trunc('month', "earned_at" AT TIME ZONE 'UTC'), 'YYYY-MM') AS "month", ${TOTALS}
    FROM "commission" WHERE "reseller_id" = ${resellerId}::uuid GROUP BY 1 ORDER BY 1 DESC`;
}

export async function totalsByCustomer(db: Db, resellerId: string): Promise<(StatusTotals & { customerId: string })[]> {
  return db.$queryRaw`SELECT "customer_id" AS "customerId", ${TOTALS}
    FROM "commission" WHERE "reseller_id" = ${resellerId}::uuid GROUP BY 1 ORDER BY 1`;
}

/** Σ of the sales (earning bases net of refunded bases) the reseller earned on since `since`. */
export async function salesSince(db: Db, resellerId: string, currency: string, since: Date): Promise<bigint> {
  const rows = await db.$queryRaw<{ total: bigint }[]>`SELECT coalesce(sum("base"), 0)::bigint AS "total" FROM "commission"
    WHERE "reseller_id" = ${resellerId}::uuid AND "currency" = ${currency} AND "earned_at" >= ${since}`;
  return rows[0]?.total ?? 0n;
}
