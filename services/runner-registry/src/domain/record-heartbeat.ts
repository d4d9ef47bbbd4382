// POST /v1/runners/me/heartbeat (issue 14 item 3): the hot path writes Redis only; the sweeper
// writes last-seen times behind to PostgreSQL in batches. The answer names the runner's jobs that
// were cancelled, so it can stop them. A heartbeat after a silence long enough to have made the
// runner stale also brings it back at once (recover-runner.ts) — one transaction, only then.
import type { HeartbeatReport, RecordedHeartbeat } from '../data/heartbeat.store';
import { recoverHeardRunner } from './recover-runner';
import type { UseCaseDeps } from './use-case-deps';

export interface HeartbeatDeps extends UseCaseDeps {
  heartbeats: { record(runnerId: string, at: Date, report: HeartbeatReport): Promise<RecordedHeartbeat> };
  /** the interval runners are asked to keep (config HEARTBEAT_INTERVAL_SECONDS) */
  heartbeatIntervalSeconds: number;
  /** missed intervals before the sweeper calls a runner stale (config STALE_AFTER_MISSED) */
  staleAfterMissed: number;
  logger: { warn(obj: object, msg: string): void };
}

export async function recordHeartbeat(
  deps: HeartbeatDeps,
  runnerId: string,
  report: HeartbeatReport,
): Promise<{ cancelledJobIds: string[]; intervalSeconds: number }> {
  const at = deps.now();
  const { cancelledJobIds, previousAt } = await deps.heartbeats.record(runnerId, at, report);
  const staleAfterMs = deps.staleAfterMissed * deps.heartbeatIntervalSeconds * 1000;
  // Never heard from (registration, or Redis lost its set) or silent long enough to be stale.
  if (previousAt === null || at.getTime() - previousAt >= staleAfterMs) {
    // The heartbeat itself is recorded: with the database down the runner is still alive, and
    // the sweeper brings it back when it can.
    await recoverHeardRunner(deps, runnerId, at).catch((err: unknown) =>
      deps.logger.warn({ err, runnerId }, 'could not bring a runner heard from again back at its heartbeat; the sweeper will'),
    );
  }
  return { cancelledJobIds, intervalSeconds: deps.heartbeatIntervalSeconds };
}
