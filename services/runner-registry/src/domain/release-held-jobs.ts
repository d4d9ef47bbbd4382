// What happens to the jobs a runner held when it is lost, disabled or deleted (issue 14 item 3,
// DESIGN.md §2): each goes back to the queue for its next attempt (job.requeued), or fails with
// runner_lost once it has had its maximum attempts (job.failed). Runs in the caller's transaction.
import type { Db } from '../db';
import { lockHeldJobs, updateJob } from '../data/job.repository';
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
  const released: ReleasedJobs = { requeuedJobIds: [], failedJobIds: [], queued: [] };
  const events: PendingEvent[] = [];
  for (const job of await lockHeldJobs(tx, runnerId)) {
    if (job.attempt >= job.maxAttempts) {
      const failed = await updateJob(tx, job.id, { status: 'failed', reason: 'runner_lost', message: `The runner was lost on attempt ${job.attempt} of ${job.maxAttempts}.`, finishedAt: now }, now);
      events.push(event('job.failed', { ...jobEventBase(failed), runnerId, attempt: failed.attempt, reason: 'runner_lost', message: failed.message ?? 'runner lost' }));
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
