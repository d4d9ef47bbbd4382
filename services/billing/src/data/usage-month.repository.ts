// A customer's monthly usage per job type (issue 15 item 4 volume tiers), read and advanced under
// its row lock in the transaction of each posting, so concurrent postings of one customer's jobs
// see each other's units and a tier boundary is crossed exactly once.
import { bigintOf, sqlOf, type Db, type Sql } from '../db';

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

export interface UsageAdvance {
  customerId: string;
  jobType: string;
  month: string;
  units: bigint;
}

export const usageKey = (u: Pick<UsageAdvance, 'customerId' | 'jobType' | 'month'>): string => `${u.customerId}|${u.jobType}|${u.month}`;

/**
 * advanceUsage for many (customer, job type, month) at once, one INSERT … ON CONFLICT; each key at
 * most once (sum a batch's units first). Rows are written in key order, so concurrent batches lock
 * them in one order. Returns the usage before, by usageKey.
 */
export async function advanceUsages(db: Sql, advances: readonly UsageAdvance[]): Promise<Map<string, bigint>> {
  if (advances.length === 0) return new Map();
  const sorted = [...advances].sort((a, b) => (usageKey(a) < usageKey(b) ? -1 : 1));
  const { rows } = await sqlOf(db).query(
    `INSERT INTO "usage_month" AS u ("customer_id", "job_type", "month", "units")
     SELECT c, j, m, n FROM unnest($1::uuid[], $2::text[], $3::date[], $4::bigint[]) WITH ORDINALITY AS v(c, j, m, n, position) ORDER BY position
     ON CONFLICT ("customer_id", "job_type", "month") DO UPDATE SET "units" = u."units" + EXCLUDED."units"
     RETURNING u."customer_id"::text AS "customerId", u."job_type" AS "jobType", to_char(u."month", 'YYYY-MM-DD') AS "month", u."units" AS "after"`,
    [sorted.map((u) => u.customerId), sorted.map((u) => u.jobType), sorted.map((u) => u.month), sorted.map((u) => u.units.toString())],
  );
  // RETURNING cannot name EXCLUDED: the usage before is the total after minus this key's units.
  const added = new Map(sorted.map((u) => [usageKey(u), u.units]));
  return new Map(
    rows.map((r: { customerId: string; jobType: string; month: string; after: unknown }) => [usageKey(r), bigintOf(r.after) - added.get(usageKey(r))!]),
  );
}
