// A job submission's statements on node-postgres (POST /v1/jobs, DESIGN.md §4 step 1): like the
// runner API (runner-job.repository.ts), because under the saga's load a Prisma interactive
// transaction waited for a pooled connection and cost several times a pg round trip per statement
// (docs/benchmarks.md "Saga"). Each function runs on the caller's transaction client.
import type { JobRecord, NewJob } from './job.repository';
import { JOB_COLUMNS, toJob, type JobRow, type SqlClient } from './runner-job.repository';

/** What a submission is checked against, read in one round trip (null fields: no such row). */
export interface SubmissionContext {
  project: { customerId: string; archived: boolean } | null;
  customer: { resellerId: string | null; currency: string | null; active: boolean } | null;
  /**
   * a runner that could ever take the job is registered and online (issue 14 item 4 "fail fast"):
   * active or stale (silent a little while, not yet offline: a registry or database outage makes
   * every runner stale until its next heartbeat, and a job submitted meanwhile should wait, not
   * be refused), the job's type, every required label, and shared or the job's customer's own
   */
  compatibleRunner: boolean;
}

export async function readSubmissionContext(
  sql: SqlClient,
  job: { projectId: string; customerId: string; type: string; requiredLabels: Record<string, string> },
): Promise<SubmissionContext> {
  const { rows } = await sql.query({
    name: 'registry-submit-context',
    text: `SELECT p.customer_id::text AS "projectCustomerId", p.archived AS "projectArchived",
                  c.id IS NOT NULL AS "customerKnown", c.reseller_id::text AS "resellerId", c.currency, c.active,
                  EXISTS (
                    SELECT 1 FROM "runner" r
                     WHERE r.status IN ('active', 'stale')
                       AND $3 = ANY (r.job_types)
                       AND r.labels @> $4::jsonb
                       AND (r.customer_id IS NULL OR r.customer_id = $2::uuid)
                  ) AS "compatibleRunner"
             FROM (SELECT 1) AS one
             LEFT JOIN "project_account" p ON p.id = $1::uuid
             LEFT JOIN "customer_account" c ON c.id = $2::uuid`,
    values: [job.projectId, job.customerId, job.type, JSON.stringify(job.requiredLabels)],
  });
  const row = rows[0] as {
    projectCustomerId: string | null;
    projectArchived: boolean | null;
    customerKnown: boolean;
    resellerId: string | null;
    currency: string | null;
    active: boolean | null;
    compatibleRunner: boolean;
  };
  return {
    project: row.projectCustomerId === null ? null : { customerId: row.projectCustomerId, archived: row.projectArchived === true },
    customer: row.customerKnown ? { resellerId: row.resellerId, currency: row.currency, active: row.active === true } : null,
    compatibleRunner: row.compatibleRunner,
  };
}

export async function insertJobSql(sql: SqlClient, job: NewJob): Promise<JobRecord> {
  const { rows } = await sql.query({
    name: 'registry-submit-insert-job',
    text: `INSERT INTO "job" (project_id, customer_id, reseller_id, type, payload, required_labels, priority, max_cost_micros,
                              currency, timeout_seconds, max_attempts, status)
           VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5::jsonb, $6::jsonb, $7, $8::bigint, $9, $10, $11, $12)
           RETURNING ${JOB_COLUMNS}`,
    values: [
      job.projectId,
      job.customerId,
      job.resellerId,
      job.type,
      // stringified here: pg would turn a top-level array into a PostgreSQL array literal
      JSON.stringify(job.payload),
      JSON.stringify(job.requiredLabels),
      job.priority,
      job.maxCostMicros.toString(),
      job.currency,
      job.timeoutSeconds,
      job.maxAttempts,
      job.status,
    ],
  });
  return toJob(rows[0] as JobRow);
}

/** The customer's own job (a replayed submission's), or null. */
export async function findCustomerJobSql(sql: SqlClient, customerId: string, jobId: string): Promise<JobRecord | null> {
  const { rows } = await sql.query({
    name: 'registry-submit-find-job',
    text: `SELECT ${JOB_COLUMNS} FROM "job" WHERE id = $1::uuid AND customer_id = $2::uuid`,
    values: [jobId, customerId],
  });
  const row = rows[0] as JobRow | undefined;
  return row ? toJob(row) : null;
}
