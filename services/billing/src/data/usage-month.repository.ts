// A customer's monthly usage per job type (issue 15 item 4 volume tiers), read and advanced under
// its row lock in the transaction of each posting, so concurrent postings of one customer's jobs
// see each other's units and a tier boundary is crossed exactly once.
import type { Db } from '../db';

/** The first day of `at`'s calendar month in UTC, as `YYYY-MM-01` (the session's time zone never shifts it). */
export function monthOf(at: Date): string {
  return `${at.getUTCFullYear()}-${String(at.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

/** Adds `units` to the month's usage and returns the usage before them. */
export async function advanceUsage(tx: Db, customerId: string, jobType: string, month: string, units: bigint): Promise<bigint> {
  const rows = await tx.$queryRaw<{ before: bigint }[]>`INSERT INTO "usage_month" AS u ("customer_id", "job_type", "month", "units")
    VALUES (${customerId}::uuid, ${jobType}, ${month}::date, ${units})
    ON CONFLICT ("customer_id", "job_type", "month") DO UPDATE SET "units" = u."units" + EXCLUDED."units"
    RETURNING (u."units" - ${units})::bigint AS "before"`;
  return rows[0]!.before;
}
