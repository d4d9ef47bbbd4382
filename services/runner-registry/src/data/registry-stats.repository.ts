// What the registry's gauges show (issue 14 item 6), read when Prometheus scrapes.
import type { Db } from '../db';

export async function runnersByStatus(db: Db): Promise<{ status: string; count: number }[]> {
  return db.$queryRaw<{ status: string; count: number }[]>`SELECT status, count(*)::int AS count FROM "runner" GROUP BY status`;
}

/** Queued jobs and the age of the oldest, per job type (served by the partial queue index). */
export async function queueByType(db: Db, now: Date): Promise<{ type: string; depth: number; oldestSeconds: number }[]> {
  return db.$queryRaw<{ type: string; depth: number; oldestSeconds: number }[]>`
    SELECT type, count(*)::int AS depth, EXTRACT(EPOCH FROM (${now}::timestamptz - min(queued_at)))::float8 AS "oldestSeconds"
      FROM "job" WHERE status = 'queued' GROUP BY type`;
}
