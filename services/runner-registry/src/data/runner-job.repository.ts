// The runner API's statements on node-postgres directly (issue 14 item 5 and "Speed": claims are
// the registry's hot path; billing's hold verdicts move jobs with them too, and a Prisma interactive transaction costs several round trips and a
// pooled connection held across them; under load those waits turned into failed claims). Each
// function runs on the caller's transaction client.
import type { PoolClient } from 'pg';

/** A pg client in the caller's transaction: named statements are parsed and planned once per connection. */
export type SqlClient = Pick<PoolClient, 'query'>;
import type { JobRecord, JobStatus } from './job.repository';

export const JOB_COLUMNS = `id::text AS "id", project_id::text AS "projectId", customer_id::text AS "customerId",
  reseller_id::text AS "resellerId", type, payload, required_labels AS "requiredLabels", priority,
  max_cost_micros::text AS "maxCostMicros", currency, timeout_seconds AS "timeoutSeconds", max_attempts AS "maxAttempts",
  status, attempt, runner_id::text AS "runnerId", hold_id::text AS "holdId", reason, message, cancelled_by AS "cancelledBy",
  progress_percent AS "progressPercent", progress_message AS "progressMessage", usage_units_micros::text AS "usageUnitsMicros",
  usage_duration_ms AS "usageDurationMs", created_at AS "createdAt", queued_at AS "queuedAt", assigned_at AS "assignedAt",
  started_at AS "startedAt", last_progress_at AS "lastProgressAt", finished_at AS "finishedAt", updated_at AS "updatedAt"`;

export type JobRow = Omit<JobRecord, 'maxCostMicros' | 'usageUnitsMicros' | 'status'> & { maxCostMicros: string; usageUnitsMicros: string | null; status: string };

// pg hands BIGINT out as text (it does not fit a JS number); money stays exact as BigInt (DESIGN.md §5).
export function toJob(row: JobRow): JobRecord {
  return {
    ...row,
    status: row.status as JobStatus,
    maxCostMicros: BigInt(row.maxCostMicros),
    usageUnitsMicros: row.usageUnitsMicros === null ? null : BigInt(row.usageUnitsMicros),
  };
}

export interface ClaimingRunnerRow {
  id: string;
  status: string;
  capacity: number;
  jobTypes: string[];
  labels: Record<string, string>;
  customerId: string | null;
}

/** Locks the runner's row: its claims queue behind each other here, so the capacity count below is never stale. */
export async function lockRunnerForClaim(sql: SqlClient, runnerId: string): Promise<ClaimingRunnerRow | null> {
  const { rows } = await sql.query({
    name: 'registry-claim-lock-runner',
    text: `SELECT id::text AS "id", status, capacity, job_types AS "jobTypes", labels, customer_id::text AS "customerId"
             FROM "runner" WHERE id = $1::uuid FOR UPDATE`,
    values: [runnerId],
  });
  return (rows[0] as ClaimingRunnerRow | undefined) ?? null;
}

/**
 * Counts the jobs the (locked) runner holds and, when it has room, assigns it the next queued job it
 * can run — its types, labels it carries, its customer for a customer's runner — by priority then
 * age, with SKIP LOCKED so concurrent claims pass over each other's rows. One statement, run after
 * the runner lock so its snapshot includes every earlier claim of this runner.
 */
export async function assignNextJobSql(sql: SqlClient, runner: ClaimingRunnerRow, now: Date): Promise<{ held: number; job: JobRecord | null }> {
  const { rows } = await sql.query({
    name: 'registry-claim-assign-next',
    text: `WITH held AS (
       SELECT count(*)::int AS n FROM "job" WHERE runner_id = $1::uuid AND status IN ('assigned', 'running')
     ), next AS (
       SELECT j.id FROM "job" j
        WHERE (SELECT n FROM held) < $2
          AND j.status = 'queued'
          AND j.type = ANY ($3::text[])
          AND j.required_labels <@ $4::jsonb
          AND ($5::uuid IS NULL OR j.customer_id = $5::uuid)
        ORDER BY j.priority DESC, j.queued_at, j.id
        LIMIT 1
        FOR UPDATE SKIP LOCKED
     ), assigned AS (
       UPDATE "job" j
          SET status = 'assigned', runner_id = $1::uuid, attempt = j.attempt + 1, assigned_at = $6,
              updated_at = $6, progress_percent = NULL, progress_message = NULL, last_progress_at = NULL
         FROM next WHERE j.id = next.id
       RETURNING j.*
     )
     SELECT (SELECT n FROM held) AS "held", (SELECT row_to_json(a) FROM (SELECT ${JOB_COLUMNS} FROM assigned) a) AS "job"`,
    values: [runner.id, runner.capacity, runner.jobTypes, JSON.stringify(runner.labels), runner.customerId, now],
  });
  const row = rows[0] as { held: number; job: (Omit<JobRow, 'createdAt' | 'queuedAt' | 'assignedAt' | 'startedAt' | 'lastProgressAt' | 'finishedAt' | 'updatedAt'> & Record<string, unknown>) | null };
  return { held: row.held, job: row.job === null ? null : toJob(reviveDates(row.job) as JobRow) };
}

const DATE_FIELDS = ['createdAt', 'queuedAt', 'assignedAt', 'startedAt', 'lastProgressAt', 'finishedAt', 'updatedAt'] as const;

/** row_to_json writes timestamps as text. */
function reviveDates(row: Record<string, unknown>): Record<string, unknown> {
  const out = { ...row };
  for (const field of DATE_FIELDS) {
    const value = out[field];
    out[field] = typeof value === 'string' ? new Date(value) : value;
  }
  return out;
}

export async function lockJobSql(sql: SqlClient, jobId: string): Promise<JobRecord | null> {
  const { rows } = await sql.query({ name: 'registry-lock-job', text: `SELECT ${JOB_COLUMNS} FROM "job" WHERE id = $1::uuid FOR UPDATE`, values: [jobId] });
  const row = rows[0] as JobRow | undefined;
  return row ? toJob(row) : null;
}

export interface JobMove {
  status?: JobStatus;
  holdId?: string;
  queuedAt?: Date;
  reason?: string;
  message?: string;
  progressPercent?: number;
  progressMessage?: string;
  usageUnitsMicros?: bigint;
  usageDurationMs?: number;
  startedAt?: Date;
  lastProgressAt?: Date;
  finishedAt?: Date;
}

const MOVE_COLUMNS: Record<keyof JobMove, string> = {
  status: 'status',
  holdId: 'hold_id',
  queuedAt: 'queued_at',
  reason: 'reason',
  message: 'message',
  progressPercent: 'progress_percent',
  progressMessage: 'progress_message',
  usageUnitsMicros: 'usage_units_micros',
  usageDurationMs: 'usage_duration_ms',
  startedAt: 'started_at',
  lastProgressAt: 'last_progress_at',
  finishedAt: 'finished_at',
};

export async function moveJobSql(sql: SqlClient, jobId: string, move: JobMove, now: Date): Promise<JobRecord> {
  const sets: string[] = [];
  const values: unknown[] = [jobId, now];
  for (const [key, column] of Object.entries(MOVE_COLUMNS) as [keyof JobMove, string][]) {
    const value = move[key];
    if (value === undefined) continue;
    values.push(typeof value === 'bigint' ? value.toString() : value);
    sets.push(`${column} = $${values.length}`);
  }
  const { rows } = await sql.query(
    `UPDATE "job" SET ${[...sets, 'updated_at = $2'].join(', ')} WHERE id = $1::uuid RETURNING ${JOB_COLUMNS}`,
    values,
  );
  return toJob(rows[0] as JobRow);
}
