// What a runner does with jobs (issue 14 item 5): claim the next one it can run, then start, report
// progress, complete with usage or fail — only the runner the job is assigned to, each move one
// transaction with its event. A runner sees a job that is not its own as missing (404).
import { formatMoney, parseMoney } from '@runfleet/contracts';
import { pgExecutor, type TransactionRunner } from '@runfleet/messaging';
import { AppError } from '@runfleet/service-kit';
import { findJob, type JobRecord } from '../data/job.repository';
import { emitEventsSql, event } from '../data/outbox.repository';
import { findRunner, type RunnerRecord } from '../data/runner.repository';
import { assignNextJobSql, lockJobSql, lockRunnerForClaim, moveJobSql, type ClaimingRunnerRow, type SqlClient } from '../data/runner-job.repository';
import { jobEventBase } from './job-events';
import { invalidJobTransition, notFound } from './registry-errors';
import type { UseCaseDeps } from './use-case-deps';

/** The runner API runs its transactions on node-postgres (data/runner-job.repository.ts says why). */
export interface RunnerApiDeps extends UseCaseDeps {
  /** pgTransactions over the pool Prisma also uses: the transaction's pg client */
  transactions: TransactionRunner<SqlClient>;
}

/** The runner is gone (deleted, disabled) while the gateway still had its principal: same as a bad token. */
const runnerGone = () => AppError.unauthorized('AUTH_TOKEN_INVALID', 'The token is not valid.');

export async function getSelf(deps: UseCaseDeps, runnerId: string): Promise<RunnerRecord> {
  const runner = await findRunner(deps.prisma, { all: true }, runnerId);
  if (!runner || runner.status === 'disabled') throw runnerGone();
  return runner;
}

export type ClaimAttempt = { job: JobRecord | null; runner: ClaimingRunnerRow };

/**
 * One claim attempt: the runner's row lock serialises its own concurrent claims, so its capacity
 * holds however many it sends; the job row is taken with SKIP LOCKED (runner-job.repository.ts).
 */
export async function claimOnce(deps: RunnerApiDeps, runnerId: string): Promise<ClaimAttempt> {
  return deps.transactions(async (sql) => {
    const runner = await lockRunnerForClaim(sql, runnerId);
    if (!runner || runner.status === 'disabled') throw runnerGone();
    if (runner.status !== 'active') {
      throw AppError.conflict('RUNNER_NOT_ACTIVE', `The runner is ${runner.status}; only an active runner claims jobs.`);
    }
    const { held, job } = await assignNextJobSql(sql, runner, deps.now());
    if (held >= runner.capacity) {
      throw AppError.conflict('RUNNER_AT_CAPACITY', `The runner holds ${held} jobs, its capacity; finish one before claiming another.`);
    }
    if (job) await emitEventsSql(pgExecutor(sql), [event('job.assigned', { ...jobEventBase(job), runnerId, attempt: job.attempt })]);
    return { job, runner };
  });
}

/** The runner's own job, or 404 for a job that is missing or another runner's. */
export async function getRunnerJob(deps: UseCaseDeps, runnerId: string, jobId: string): Promise<JobRecord> {
  const job = await findJob(deps.prisma, { all: true }, jobId);
  if (!job || job.runnerId !== runnerId) throw notFound.job();
  return job;
}

async function lockOwnJob(sql: SqlClient, runnerId: string, jobId: string): Promise<JobRecord> {
  const job = await lockJobSql(sql, jobId);
  if (!job || job.runnerId !== runnerId) throw notFound.job();
  return job;
}

export async function startJob(deps: RunnerApiDeps, runnerId: string, jobId: string): Promise<JobRecord> {
  return deps.transactions(async (sql) => {
    const job = await lockOwnJob(sql, runnerId, jobId);
    if (job.status !== 'assigned') throw invalidJobTransition(job.status, 'only an assigned job can be started');
    const now = deps.now();
    const running = await moveJobSql(sql, job.id, { status: 'running', startedAt: now, lastProgressAt: now }, now);
    await emitEventsSql(pgExecutor(sql), [event('job.started', { ...jobEventBase(running), runnerId, attempt: running.attempt })]);
    return running;
  });
}

/** A progress report also counts as the runner's proof of life (DESIGN.md §10). */
export async function reportProgress(
  deps: RunnerApiDeps,
  runnerId: string,
  jobId: string,
  progress: { percent?: number; message?: string },
): Promise<JobRecord> {
  return deps.transactions(async (sql) => {
    const job = await lockOwnJob(sql, runnerId, jobId);
    if (job.status !== 'running') throw invalidJobTransition(job.status, 'only a running job reports progress');
    const now = deps.now();
    return moveJobSql(sql, job.id, { lastProgressAt: now, progressPercent: progress.percent, progressMessage: progress.message }, now);
  });
}

export interface Usage {
  units: string;
  durationMs: number;
}

/**
 * `succeeded` + job.completed (billing prices the usage). Reported twice with the same usage, the
 * second report changes nothing and answers the job as it is, so a runner may retry safely.
 */
export async function completeJob(deps: RunnerApiDeps, runnerId: string, jobId: string, usage: Usage): Promise<JobRecord> {
  const unitsMicros = parseMoney(usage.units, 'body.units');
  return deps.transactions(async (sql) => {
    const job = await lockOwnJob(sql, runnerId, jobId);
    if (job.status === 'succeeded' && job.usageUnitsMicros === unitsMicros && job.usageDurationMs === usage.durationMs) return job;
    if (job.status !== 'running') throw invalidJobTransition(job.status, 'only a running job can be completed');
    const now = deps.now();
    const done = await moveJobSql(
      sql,
      job.id,
      { status: 'succeeded', usageUnitsMicros: unitsMicros, usageDurationMs: usage.durationMs, finishedAt: now, progressPercent: 100 },
      now,
    );
    await emitEventsSql(pgExecutor(sql), [
      event('job.completed', {
        ...jobEventBase(done),
        runnerId,
        attempt: done.attempt,
        usage: { units: formatMoney(unitsMicros), durationMs: usage.durationMs },
      }),
    ]);
    return done;
  });
}

/**
 * The job's own error (not the runner's loss): `failed` with job_error, for good, with the usage
 * the runner reports; billing charges that usage (issue 15 item 4: a job that failed on its own
 * pays for what it used), and a failure without usage costs nothing.
 */
export async function failJob(deps: RunnerApiDeps, runnerId: string, jobId: string, error: { message: string; usage?: Usage }): Promise<JobRecord> {
  const unitsMicros = error.usage ? parseMoney(error.usage.units, 'body.usage.units') : null;
  return deps.transactions(async (sql) => {
    const job = await lockOwnJob(sql, runnerId, jobId);
    if (job.status !== 'assigned' && job.status !== 'running') throw invalidJobTransition(job.status, 'only an assigned or running job can fail');
    const now = deps.now();
    const failed = await moveJobSql(
      sql,
      job.id,
      {
        status: 'failed',
        reason: 'job_error',
        message: error.message,
        finishedAt: now,
        ...(error.usage ? { usageUnitsMicros: unitsMicros!, usageDurationMs: error.usage.durationMs } : {}),
      },
      now,
    );
    const usage = error.usage ? { usage: { units: formatMoney(unitsMicros!), durationMs: error.usage.durationMs } } : {};
    await emitEventsSql(pgExecutor(sql), [
      event('job.failed', { ...jobEventBase(failed), runnerId, attempt: failed.attempt, reason: 'job_error', message: error.message, ...usage }),
    ]);
    return failed;
  });
}
