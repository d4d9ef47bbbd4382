// POST /v1/runners/me/heartbeat (issue 14 item 3): the hot path writes Redis only; the sweeper
// writes last-seen times behind to PostgreSQL in batches. The answer names the runner's jobs that
// were cancelled, so it can stop them.
import type { HeartbeatReport } from '../data/heartbeat.store';

export interface HeartbeatDeps {
  now: () => Date;
  heartbeats: { record(runnerId: string, at: Date, report: HeartbeatReport): Promise<string[]> };
  /** the interval runners are asked to keep (config HEARTBEAT_INTERVAL_SECONDS) */
  heartbeatIntervalSeconds: number;
}

export async function recordHeartbeat(
  deps: HeartbeatDeps,
  runnerId: string,
  report: HeartbeatReport,
): Promise<{ cancelledJobIds: string[]; intervalSeconds: number }> {
  const cancelledJobIds = await deps.heartbeats.record(runnerId, deps.now(), report);
  return { cancelledJobIds, intervalSeconds: deps.heartbeatIntervalSeconds };
}
