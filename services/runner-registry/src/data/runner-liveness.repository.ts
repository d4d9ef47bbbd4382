// What the sweeper reads and writes about runners' liveness (issue 14 item 3).
import type { Db } from '../db';

/** Write-behind: last-seen times from Redis in one statement; a time never moves backwards. */
export async function writeLastSeen(db: Db, seen: Map<string, number>): Promise<number> {
  if (seen.size === 0) return 0;
  const ids = [...seen.keys()];
  const times = ids.map((id) => new Date(seen.get(id)!).toISOString());
  return db.$executeRaw`
    UPDATE "runner" r SET last_heartbeat_at = v.at
      FROM unnest(${ids}::uuid[], ${times}::timestamptz[]) AS v(id, at)
     WHERE r.id = v.id AND (r.last_heartbeat_at IS NULL OR r.last_heartbeat_at < v.at)`;
}

export interface RunnerLiveness {
  id: string;
  name: string;
  status: string;
  /** an operator drained it: it recovers `draining`, never `active` */
  drainRequested: boolean;
  lastHeartbeatAt: Date | null;
  /** the customer owning the runner; null for a shared runner */
  customerId: string | null;
  /** the latest of its last heartbeat, its running jobs' last progress reports, its registration */
  lastSignOfLife: Date;
}

/**
 * The runners whose status the sweeper must change, locked: active or draining ones silent since
 * `staleBefore`, stale ones silent since `offlineBefore`, and stale or offline ones heard from
 * since `staleBefore` (never a disabled one). A running job's progress report counts as proof of life (DESIGN.md §10).
 */
export async function lockRunnersToSweep(tx: Db, staleBefore: Date, offlineBefore: Date): Promise<RunnerLiveness[]> {
  return tx.$queryRaw<RunnerLiveness[]>`
    WITH life AS (
      SELECT r.id, GREATEST(COALESCE(r.last_heartbeat_at, r.created_at), r.created_at,
                            COALESCE((SELECT max(j.last_progress_at) FROM "job" j WHERE j.runner_id = r.id AND j.status = 'running'), r.created_at)
             ) AS at
        FROM "runner" r WHERE r.status IN ('active', 'draining', 'stale', 'offline')
    )
    SELECT r.id::text AS "id", r.name, r.status, r.drain_requested AS "drainRequested", r.last_heartbeat_at AS "lastHeartbeatAt", r.customer_id::text AS "customerId", life.at AS "lastSignOfLife"
      FROM "runner" r JOIN life ON life.id = r.id
     WHERE (r.status IN ('active', 'draining') AND life.at < ${staleBefore})
        OR (r.status = 'stale' AND life.at < ${offlineBefore})
        OR (r.status IN ('stale', 'offline') AND life.at >= ${staleBefore})
     ORDER BY r.id
       FOR UPDATE OF r`;
}

export async function setRunnerStatus(tx: Db, id: string, status: string, now: Date): Promise<void> {
  await tx.$executeRaw`UPDATE "runner" SET status = ${status}, updated_at = ${now} WHERE id = ${id}::uuid`;
}

/** Running jobs past their timeout, locked (skipping any a runner is moving right now). */
export async function lockTimedOutJobs(tx: Db, now: Date): Promise<string[]> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id::text AS "id" FROM "job"
     WHERE status = 'running' AND started_at + make_interval(secs => timeout_seconds) < ${now}
     ORDER BY id FOR UPDATE SKIP LOCKED`;
  return rows.map((r) => r.id);
}

/**
 * Queued jobs that have waited since `queuedBefore` and that no online (active or stale) runner could take (its type,
 * its labels, shared or the job's customer's own), locked, for failing with no_compatible_runner.
 */
export async function lockStrandedJobs(tx: Db, queuedBefore: Date): Promise<string[]> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT j.id::text AS "id" FROM "job" j
     WHERE j.status = 'queued' AND j.queued_at < ${queuedBefore}
       AND NOT EXISTS (
         SELECT 1 FROM "runner" r
          WHERE r.status IN ('active', 'stale') AND j.type = ANY (r.job_types) AND r.labels @> j.required_labels
            AND (r.customer_id IS NULL OR r.customer_id = j.customer_id))
     ORDER BY j.id FOR UPDATE OF j SKIP LOCKED`;
  return rows.map((r) => r.id);
}

/**
 * A stale or offline runner just heard from, locked, with its last heartbeat moved up to `heardAt`
 * (never backwards); null when it is in any other state (active, draining, disabled, gone).
 */
export async function touchSilentRunner(tx: Db, id: string, heardAt: Date): Promise<Omit<RunnerLiveness, 'lastSignOfLife'> | null> {
  const rows = await tx.$queryRaw<Omit<RunnerLiveness, 'lastSignOfLife'>[]>`
    UPDATE "runner" r SET last_heartbeat_at = GREATEST(COALESCE(r.last_heartbeat_at, ${heardAt}), ${heardAt})
     WHERE r.id = ${id}::uuid AND r.status IN ('stale', 'offline')
    RETURNING r.id::text AS "id", r.name, r.status, r.drain_requested AS "drainRequested",
              r.last_heartbeat_at AS "lastHeartbeatAt", r.customer_id::text AS "customerId"`;
  return rows[0] ?? null;
}
