// Jobs as their owners see them (issue 14 item 4): a customer its own, a reseller its customers',
// an admin all; list, get, cancel. Cancelling a queued, assigned or running job (or one still
// waiting for funds) makes it `cancelled` with job.cancelled (billing releases the hold); a runner
// holding it learns so on its next call.
import type { Page } from '@runfleet/contracts';
import { findJob, listJobs as queryJobs, lockJob, updateJob, type JobListFilters, type JobRecord } from '../data/job.repository';
import { emitEvents, event } from '../data/outbox.repository';
import { ownerScopeOf, type Actor } from './actor';
import { jobEventBase } from './job-events';
import { invalidJobTransition, notFound } from './registry-errors';
import type { UseCaseDeps } from './use-case-deps';

export function listJobs(deps: UseCaseDeps, actor: Actor, filters: JobListFilters): Promise<Page<JobRecord>> {
  return queryJobs(deps.prisma, ownerScopeOf(actor), filters);
}

export async function getJob(deps: UseCaseDeps, actor: Actor, jobId: string): Promise<JobRecord> {
  const job = await findJob(deps.prisma, ownerScopeOf(actor), jobId);
  if (!job) throw notFound.job();
  return job;
}

const CANCELLABLE = ['pending_funds', 'queued', 'assigned', 'running'] as const;
type Cancellable = (typeof CANCELLABLE)[number];
const isCancellable = (status: string): status is Cancellable => (CANCELLABLE as readonly string[]).includes(status);

export interface CancelDeps extends UseCaseDeps {
  /** where a runner's next heartbeat learns that its job was cancelled */
  heartbeats: { markCancelled(runnerId: string, jobId: string): Promise<void> };
}

export async function cancelJob(deps: CancelDeps, actor: Actor, jobId: string): Promise<JobRecord> {
  const cancelled = await deps.prisma.$transaction(async (tx) => {
    const job = await lockJob(tx, ownerScopeOf(actor), jobId);
    if (!job) throw notFound.job();
    if (!isCancellable(job.status)) throw invalidJobTransition(job.status, 'only a job that has not finished can be cancelled');
    const now = deps.now();
    const cancelled = await updateJob(tx, job.id, { status: 'cancelled', cancelledBy: actor.type, finishedAt: now }, now);
    await emitEvents(tx, [
      event('job.cancelled', { ...jobEventBase(cancelled), previousStatus: job.status, runnerId: job.runnerId, cancelledBy: actor.type }),
    ]);
    return cancelled;
  });
  // After the commit; if Redis is down the runner still learns it from the job's status (409 on progress).
  if (cancelled.runnerId !== null) await deps.heartbeats.markCancelled(cancelled.runnerId, cancelled.id).catch(() => undefined);
  return cancelled;
}
