// Resellers' sales as billing reported them (job charges and paid orders), and the sums that decide
// tiers. Every function takes the client or a transaction client.
import type { Db } from '../db';

export type SaleSourceKind = 'job_charge' | 'order';

export interface NewSale {
  /** id of the event that reported the sale */
  eventId: string;
  resellerId: string;
  customerId: string;
  sourceKind: SaleSourceKind;
  /** the ledger entry of a job charge, the order id of a paid order */
  sourceId: string;
  amountMicros: bigint;
  currency: string;
  occurredAt: Date;
}

/**
 * Records the sale unless the same event, or another event about the same charge or order, was
 * recorded before; returns whether it was new.
 */
export async function insertSale(db: Db, sale: NewSale): Promise<boolean> {
  const inserted = await db.$executeRaw`
    INSERT INTO "reseller_sale" ("event_id", "reseller_id", "customer_id", "source_kind", "source_id", "amount_micros", "currency", "occurred_at")
    VALUES (${sale.eventId}::uuid, ${sale.resellerId}::uuid, ${sale.customerId}::uuid, ${sale.sourceKind}, ${sale.sourceId},
            ${sale.amountMicros}, ${sale.currency}, ${sale.occurredAt})
    ON CONFLICT DO NOTHING`;
  return inserted === 1;
}

export interface SalesSum {
  totalMicros: bigint;
  count: number;
  jobChargesMicros: bigint;
  ordersMicros: bigint;
}

/**
 * A reseller's sales in `currency` that occurred at or after `since`. No upper bound: a sale
 * stamped slightly in the future by a producer's clock still counts at once.
 */
export async function sumSales(db: Db, resellerId: string, currency: string, since: Date): Promise<SalesSum> {
  const rows = await db.$queryRaw<{ total: bigint | null; count: bigint; jobs: bigint | null; orders: bigint | null }[]>`
    SELECT sum("amount_micros")::bigint AS total,
           count(*) AS count,
           sum("amount_micros") FILTER (WHERE "source_kind" = 'job_charge')::bigint AS jobs,
           sum("amount_micros") FILTER (WHERE "source_kind" = 'order')::bigint AS orders
    FROM "reseller_sale"
    WHERE "reseller_id" = ${resellerId}::uuid AND "currency" = ${currency}
      AND "occurred_at" >= ${since}`;
  const row = rows[0];
  return {
    totalMicros: row?.total ?? 0n,
    count: Number(row?.count ?? 0n),
    jobChargesMicros: row?.jobs ?? 0n,
    ordersMicros: row?.orders ?? 0n,
  };
}

/**
 * Resellers whose tier may be out of date at `now`: those above bronze (sales may have aged out)
 * and those with any sale in the window (thresholds may have changed). Keyset by id, `limit` at a time.
 */
export async function resellersToRecompute(db: Db, since: Date, afterId: string | null, limit: number): Promise<string[]> {
  const after = afterId ?? '00000000-0000-0000-0000-000000000000';
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT r."id"::text AS id FROM "reseller" r
    WHERE r."id" > ${after}::uuid
      AND (r."tier" <> 'bronze'
           OR EXISTS (SELECT 1 FROM "reseller_sale" s WHERE s."reseller_id" = r."id" AND s."occurred_at" >= ${since}))
    ORDER BY r."id"
    LIMIT ${limit}`;
  return rows.map((r) => r.id);
}

export async function setResellerTier(db: Db, resellerId: string, tier: string): Promise<void> {
  await db.reseller.update({ where: { id: resellerId }, data: { tier }, select: { id: true } });
}
