// POST /v1/runners/me/jobs/claim (issue 14 item 5): answers at once with a job when one is queued
// for this runner, else long-polls: the claim is retried as soon as a compatible job is announced
// (claim-waiters.ts), and every RECHECK_MS in case an announcement was lost (Redis down, say).
import type { JobRecord } from '../data/job.repository';
import type { ClaimWaiters } from './claim-waiters';
import { claimOnce, type RunnerApiDeps } from './runner-jobs';

/** Only a safety net: wake-ups normally arrive within milliseconds. */
export const RECHECK_MS = 5_000;

export interface ClaimDeps extends RunnerApiDeps {
  waiters: ClaimWaiters;
}

/** The claimed job, or null when none came within `waitMs` (or the caller went away). */
export async function claimJob(deps: ClaimDeps, runnerId: string, waitMs: number, signal?: AbortSignal): Promise<JobRecord | null> {
  const deadline = Date.now() + waitMs;
  const ticket = deps.waiters.enter();
  try {
    for (;;) {
      ticket.reset();
      const attempt = await claimOnce(deps, runnerId);
      if (attempt.job) return attempt.job;
      ticket.runner = attempt.runner;
      const left = deadline - Date.now();
      if (left <= 0 || signal?.aborted || deps.waiters.closed) return null;
      await ticket.wait(Math.min(left, RECHECK_MS), signal);
      if (signal?.aborted || deps.waiters.closed) return null;
    }
  } finally {
    ticket.leave();
  }
}
