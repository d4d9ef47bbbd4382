// The sweeper (issue 14 item 3, DESIGN.md §2, §10): one pass writes heartbeats from Redis behind
// to PostgreSQL, marks runners silent for N intervals `stale` (no new jobs) and for M `offline` —
// their assigned and running jobs go back to the queue or fail with runner_lost
// (release-held-jobs.ts) — brings back runners heard from again (runner.recovered), fails running
// jobs past their timeout, requeues jobs claimed but not started within the assignment lease
// (lease_expired) and, in the `queue` fail-fast mode, queued jobs no online runner could
// take once they have waited the maximum queue time. Safe with several replicas: a pass runs only
// under a transaction-scoped advisory lock, so one replica decides at a time and the others skip.
import { emitEvents, event, type PendingEvent } from '../data/outbox.repository';
import { lockJob, lockUnstartedJobs, updateJob } from '../data/job.repository';
import { lockRunnersToSweep, lockStrandedJobs, lockTimedOutJobs, setRunnerStatus, writeLastSeen } from '../data/runner-liveness.repository';
import { jobEventBase } from './job-events';
import type { QueuedJobAnnouncer, QueuedJobNotice } from './queued-job-notice';
import { releaseHeldJobs, releaseJobs } from './release-held-jobs';
import type { UseCaseDeps } from './use-case-deps';

export interface LivenessPolicy {
  intervalMs: number;
  /** missed intervals before `stale` (default 2) */
  staleAfterMissed: number;
  /** missed intervals before `offline` (default 5) */
  offlineAfterMissed: number;
}

export interface SweepDeps extends UseCaseDeps {
  heartbeats: { lastSeen(): Promise<Map<string, number>> };
  queuedJobs: QueuedJobAnnouncer;
  liveness: LivenessPolicy;
  /** set in the `queue` mode of fail fast (config NO_COMPATIBLE_RUNNER): how long a job may wait for a runner that does not exist */
  maxQueueMs?: number;
  /**
   * how long a claimed job may stay `assigned` before its runner starts it (config
   * ASSIGNMENT_LEASE_SECONDS); after that it goes back to the queue (lease_expired)
   */
  assignmentLeaseMs?: number;
}

export interface SweepOutcome {
  stale: string[];
  offline: string[];
  recovered: string[];
  requeuedJobIds: string[];
  failedJobIds: string[];
  timedOutJobIds: string[];
  strandedJobIds: string[];
  /** assigned jobs their runner did not start within the lease: requeued, or failed at their last attempt */
  expiredJobIds: string[];
}

// pg_try_advisory_xact_lock key: any constant unique among this database's advisory locks.
const SWEEP_LOCK = 1_447_253_001;

/** One pass; null when another replica's pass holds the lock. */
export async function sweepRunners(deps: SweepDeps): Promise<SweepOutcome | null> {
  const seen = await deps.heartbeats.lastSeen();
  const queued: QueuedJobNotice[] = [];
  const outcome = await deps.prisma.$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${SWEEP_LOCK}) AS locked`;
      if (!lock?.locked) return null;
      await writeLastSeen(tx, seen);
      const now = deps.now();
      const { intervalMs, staleAfterMissed, offlineAfterMissed } = deps.liveness;
      const staleBefore = new Date(now.getTime() - staleAfterMissed * intervalMs);
      const offlineBefore = new Date(now.getTime() - offlineAfterMissed * intervalMs);
      const result: SweepOutcome = { stale: [], offline: [], recovered: [], requeuedJobIds: [], failedJobIds: [], timedOutJobIds: [], strandedJobIds: [], expiredJobIds: [] };
      const events: PendingEvent[] = [];
      for (const runner of await lockRunnersToSweep(tx, staleBefore, offlineBefore)) {
        const missedIntervals = Math.max(1, Math.floor((now.getTime() - runner.lastSignOfLife.getTime()) / intervalMs));
        const lastHeartbeatAt = runner.lastHeartbeatAt?.toISOString() ?? null;
        if (runner.lastSignOfLife >= staleBefore) {
          // An operator's drain outlives the silence (issue 14): it comes back draining, not active.
          await setRunnerStatus(tx, runner.id, runner.drainRequested ? 'draining' : 'active', now);
          events.push(event('runner.recovered', {
            runnerId: runner.id,
            name: runner.name,
            previousStatus: runner.status as 'stale' | 'offline',
            lastHeartbeatAt: lastHeartbeatAt ?? runner.lastSignOfLife.toISOString(),
          }));
          result.recovered.push(runner.id);
        } else if (runner.lastSignOfLife < offlineBefore) {
          const released = await releaseHeldJobs(tx, runner.id, 'runner_offline', now);
          await setRunnerStatus(tx, runner.id, 'offline', now);
          events.push(event('runner.offline', {
            runnerId: runner.id,
            name: runner.name,
            lastHeartbeatAt,
            missedIntervals,
            customerId: runner.customerId,
            requeuedJobIds: released.requeuedJobIds,
            failedJobIds: released.failedJobIds,
          }));
          queued.push(...released.queued);
          result.offline.push(runner.id);
          result.requeuedJobIds.push(...released.requeuedJobIds);
          result.failedJobIds.push(...released.failedJobIds);
        } else {
          await setRunnerStatus(tx, runner.id, 'stale', now);
          events.push(event('runner.stale', { runnerId: runner.id, name: runner.name, lastHeartbeatAt, missedIntervals }));
          result.stale.push(runner.id);
        }
      }
      for (const jobId of await lockTimedOutJobs(tx, now)) {
        const job = await lockJob(tx, { all: true }, jobId);
        if (!job) continue;
        const message = `The job ran past its timeout of ${job.timeoutSeconds} s.`;
        const failed = await updateJob(tx, jobId, { status: 'failed', reason: 'timeout', message, finishedAt: now }, now);
        events.push(event('job.failed', { ...jobEventBase(failed), runnerId: failed.runnerId, attempt: failed.attempt, reason: 'timeout', message }));
        result.timedOutJobIds.push(jobId);
      }
      if (deps.assignmentLeaseMs !== undefined) {
        // A claim's answer lost on its way (the gateway restarted, the runner's connection dropped)
        // leaves a job assigned to a runner that does not know it has it: without a lease it would
        // hold its hold and the runner's capacity for as long as the runner lives.
        const expired = await lockUnstartedJobs(tx, new Date(now.getTime() - deps.assignmentLeaseMs));
        const released = await releaseJobs(tx, expired, 'lease_expired', now);
        queued.push(...released.queued);
        result.expiredJobIds.push(...expired.map((job) => job.id));
        result.requeuedJobIds.push(...released.requeuedJobIds);
        result.failedJobIds.push(...released.failedJobIds);
      }
      if (deps.maxQueueMs !== undefined) {
        for (const jobId of await lockStrandedJobs(tx, new Date(now.getTime() - deps.maxQueueMs))) {
          const message = `No online runner can run this job; it waited ${Math.round(deps.maxQueueMs / 1000)} s.`;
          const failed = await updateJob(tx, jobId, { status: 'failed', reason: 'no_compatible_runner', message, finishedAt: now }, now);
          events.push(event('job.failed', { ...jobEventBase(failed), runnerId: null, attempt: failed.attempt, reason: 'no_compatible_runner', message }));
          result.strandedJobIds.push(jobId);
        }
      }
      if (events.length > 0) await emitEvents(tx, events);
      return result;
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
  deps.queuedJobs.announce(queued);
  return outcome;
}
