// What happens to the jobs a runner held when it is lost, disabled or deleted (issue 14 item 3,
// DESIGN.md §2): each goes back to the queue for its next attempt (job.requeued), or fails with
// runner_lost once it has had its maximum attempts (job.failed). So does a job its runner never
// started within the assignment lease (lease_expired: the claim's answer was lost on its way, or
// the runner dropped it). Runs in the caller's transaction.
import type { Db } from '../db';
import { lockHeldJobs, updateJob, type JobRecord } from '../data/job.repository';
import { emitEvents, event, type PendingEvent } from '../data/outbox.repository';
import { jobEventBase } from './job-events';
import type { QueuedJobNotice } from './queued-job-notice';

export type RequeueReason = 'runner_stale' | 'runner_offline' | 'runner_released' | 'lease_expired';

export interface ReleasedJobs {
  requeuedJobIds: string[];
  failedJobIds: string[];
  /** jobs back in the queue: announce them after commit so waiting runners claim them */
  queued: QueuedJobNotice[];
}

export async function releaseHeldJobs(tx: Db, runnerId: string, reason: RequeueReason, now: Date): Promise<ReleasedJobs> {
  return releaseJobs(tx, await lockHeldJobs(tx, runnerId), reason, now);
}

/** The same for jobs the caller has locked, each taken from the runner it is assigned to. */
export async function releaseJobs(tx: Db, jobs: readonly JobRecord[], reason: RequeueReason, now: Date): Promise<ReleasedJobs> {
  const released: ReleasedJobs = { requeuedJobIds: [], failedJobIds: [], queued: [] };
  const events: PendingEvent[] = [];
  for (const job of jobs) {
    const runnerId = job.runnerId!;
    if (job.attempt >= job.maxAttempts) {
      const message =
        reason === 'lease_expired'
          ? `The runner never started it on attempt ${job.attempt} of ${job.maxAttempts}.`
          : `The runner was lost on attempt ${job.attempt} of ${job.maxAttempts}.`;
      const failed = await updateJob(tx, job.id, { status: 'failed', reason: 'runner_lost', message, finishedAt: now }, now);
      events.push(event('job.failed', { ...jobEventBase(failed), runnerId, attempt: failed.attempt, reason: 'runner_lost', message }));
      released.failedJobIds.push(job.id);
    } else {
      const queued = await updateJob(tx, job.id, { status: 'queued', runnerId: null, queuedAt: now, startedAt: null, assignedAt: null }, now);
      events.push(event('job.requeued', { ...jobEventBase(queued), previousRunnerId: runnerId, attempt: queued.attempt + 1, reason }));
      released.requeuedJobIds.push(job.id);
      released.queued.push({ type: queued.type, requiredLabels: queued.requiredLabels, customerId: queued.customerId });
    }
  }
  if (events.length > 0) await emitEvents(tx, events);
  return released;
}
