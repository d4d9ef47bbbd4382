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
  // One statement: the sale, and its day's total only when the sale was new.
  const inserted = await db.$executeRaw`
    WITH sale AS (
      INSERT INTO "reseller_sale" ("event_id", "reseller_id", "customer_id", "source_kind", "source_id", "amount_micros", "currency", "occurred_at")
      VALUES (${sale.eventId}::uuid, ${sale.resellerId}::uuid, ${sale.customerId}::uuid, ${sale.sourceKind}, ${sale.sourceId},
              ${sale.amountMicros}, ${sale.currency}, ${sale.occurredAt})
      ON CONFLICT DO NOTHING
      RETURNING "reseller_id", "currency", "occurred_at", "amount_micros", "source_kind"
    )
    INSERT INTO "reseller_sale_day" ("reseller_id", "currency", "day", "total_micros", "job_charges_micros", "orders_micros", "sales")
    SELECT "reseller_id", "currency", ("occurred_at" AT TIME ZONE 'UTC')::date, "amount_micros",
           CASE WHEN "source_kind" = 'job_charge' THEN "amount_micros" ELSE 0 END,
           CASE WHEN "source_kind" = 'order' THEN "amount_micros" ELSE 0 END, 1
      FROM sale
    ON CONFLICT ("reseller_id", "currency", "day") DO UPDATE
      SET "total_micros" = "reseller_sale_day"."total_micros" + EXCLUDED."total_micros",
          "job_charges_micros" = "reseller_sale_day"."job_charges_micros" + EXCLUDED."job_charges_micros",
          "orders_micros" = "reseller_sale_day"."orders_micros" + EXCLUDED."orders_micros",
          "sales" = "reseller_sale_day"."sales" + 1`;
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
 * stamped slightly in the future by a producer's clock still counts at once. Read from the daily
 * totals after `since`'s UTC day, plus that day's own sales from `since` on: at most one row per
 * day of the window and one day's sales, whatever the reseller's volume.
 */
export async function sumSales(db: Db, resellerId: string, currency: string, since: Date): Promise<SalesSum> {
  const rows = await db.$queryRaw<{ total: bigint | null; count: bigint | null; jobs: bigint | null; orders: bigint | null }[]>`
    WITH first_day AS (SELECT (${since}::timestamptz AT TIME ZONE 'UTC')::date AS day),
    parts AS (
      SELECT d."total_micros" AS total, d."sales"::bigint AS count, d."job_charges_micros" AS jobs, d."orders_micros" AS orders
        FROM "reseller_sale_day" d, first_day f
       WHERE d."reseller_id" = ${resellerId}::uuid AND d."currency" = ${currency} AND d."day" > f.day
      UNION ALL
      SELECT s."amount_micros", 1,
             CASE WHEN s."source_kind" = 'job_charge' THEN s."amount_micros" ELSE 0 END,
             CASE WHEN s."source_kind" = 'order' THEN s."amount_micros" ELSE 0 END
        FROM "reseller_sale" s, first_day f
       WHERE s."reseller_id" = ${resellerId}::uuid AND s."currency" = ${currency}
         AND s."occurred_at" >= ${since} AND s."occurred_at" < ((f.day + 1)::timestamp AT TIME ZONE 'UTC')
    )
    SELECT sum(total)::bigint AS total, sum(count)::bigint AS count, sum(jobs)::bigint AS jobs, sum(orders)::bigint AS orders FROM parts`;
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
