// A customer submits a job (DESIGN.md §4 "Job", issue 14 item 4): it is stored `pending_funds` and
// job.submitted (billing holds its maximum cost) commits in the same transaction. It runs only in
// an active project of an active customer (the registry's read model), in the customer's currency,
// and fails fast when no runner that could ever take it is registered and online (§10). The
// client's Idempotency-Key is claimed in that transaction too (packages/idempotency): a retry with
// the same key — the gateway died after our commit, or lost its record — gets the first job back,
// never a second job and a second hold. It runs on node-postgres, as the runner API does: under
// the saga's load a Prisma interactive transaction queued for the pool (docs/benchmarks.md "Saga").
import { formatMoney, parseMoney } from '@runfleet/contracts';
import { createOnce, idempotencyScope, requestFingerprint } from '@runfleet/idempotency';
import type { SqlExecutor } from '@runfleet/messaging';
import { AppError } from '@runfleet/service-kit';
import type { Prisma } from '../db';
import { findCustomerJobSql, insertJobSql, readSubmissionContext } from '../data/job-submission.repository';
import type { JobRecord } from '../data/job.repository';
import { emitEventsSql, event } from '../data/outbox.repository';
import type { SqlClient } from '../data/runner-job.repository';
import { requireRole, type Actor } from './actor';
import { jobEventBase } from './job-events';
import { fieldError, notFound } from './registry-errors';
import type { RunnerApiDeps } from './runner-jobs';
import type { JobPolicy } from './use-case-deps';

export interface SubmitJobInput {
  projectId: string;
  type: string;
  payload: Prisma.InputJsonValue;
  requiredLabels: Record<string, string>;
  priority: number;
  maxCost: { amount: string; currency: string };
  timeoutSeconds?: number;
}

export interface SubmitDeps extends RunnerApiDeps {
  jobPolicy: JobPolicy;
}

export const SUBMIT_JOB_OPERATION = 'POST /v1/jobs';

export interface SubmittedJob {
  job: JobRecord;
  /** true when an earlier request with the same Idempotency-Key submitted it */
  replayed: boolean;
}

export async function submitJob(deps: SubmitDeps, actor: Actor, input: SubmitJobInput, idempotencyKey: string): Promise<SubmittedJob> {
  requireRole(actor, 'customer');
  const maxCostMicros = parseMoney(input.maxCost.amount, 'body.maxCost.amount');
  if (maxCostMicros <= 0n) throw fieldError('body.maxCost.amount', 'must be greater than zero');
  return deps.transactions(async (tx, sql) => {
    const submitted = await createOnce(
      sql,
      { scope: idempotencyScope(actor), key: idempotencyKey, fingerprint: requestFingerprint(SUBMIT_JOB_OPERATION, input) },
      // A replay returns the job as it is now (queued, running, …), whatever runners or the
      // project look like since: the job stands.
      { create: () => insertSubmittedJob(tx, sql, deps, actor, input, maxCostMicros), find: (id) => findCustomerJobSql(tx, actor.id, id) },
    );
    return { job: submitted.value, replayed: submitted.replayed };
  });
}

async function insertSubmittedJob(
  tx: SqlClient,
  sql: SqlExecutor,
  deps: SubmitDeps,
  actor: Extract<Actor, { type: 'customer' }>,
  input: SubmitJobInput,
  maxCostMicros: bigint,
): Promise<JobRecord> {
  const { project, customer, compatibleRunner } = await readSubmissionContext(tx, {
    projectId: input.projectId,
    customerId: actor.id,
    type: input.type,
    requiredLabels: input.requiredLabels,
  });
  if (!project || project.customerId !== actor.id) throw notFound.project();
  if (project.archived) throw AppError.conflict('PROJECT_ARCHIVED', 'The project is archived; it accepts no new jobs.');
  if (!customer || customer.currency === null) {
    throw AppError.conflict('CUSTOMER_UNKNOWN', 'The registry has not yet heard of this customer; retry in a moment.');
  }
  if (!customer.active) throw AppError.conflict('CUSTOMER_INACTIVE', 'The customer is deactivated; it cannot submit jobs.');
  if (input.maxCost.currency !== customer.currency) {
    throw fieldError('body.maxCost.currency', `must be ${customer.currency}, the currency of the customer's wallet`);
  }
  const failFastAtSubmit = (deps.jobPolicy.noCompatibleRunner ?? 'submit') === 'submit';
  if (failFastAtSubmit && !compatibleRunner) {
    throw AppError.unprocessable(
      'JOB_NO_COMPATIBLE_RUNNER',
      `No online runner can run jobs of type ${input.type} with these labels (reason no_compatible_runner); nothing was submitted.`,
      { errors: [{ field: 'body.type', message: 'no registered, online runner supports this type with the required labels' }] },
    );
  }
  const job = await insertJobSql(tx, {
    projectId: input.projectId,
    customerId: actor.id,
    resellerId: customer.resellerId,
    type: input.type,
    payload: input.payload,
    requiredLabels: input.requiredLabels,
    priority: input.priority,
    maxCostMicros,
    currency: customer.currency,
    timeoutSeconds: input.timeoutSeconds ?? deps.jobPolicy.defaultTimeoutSeconds,
    maxAttempts: deps.jobPolicy.maxAttempts,
    status: 'pending_funds',
  });
  await emitEventsSql(sql, [
    event('job.submitted', { ...jobEventBase(job), priority: job.priority, maxCost: formatMoney(job.maxCostMicros), currency: job.currency }),
  ]);
  return job;
}
