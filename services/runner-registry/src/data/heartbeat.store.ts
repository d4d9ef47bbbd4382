// Heartbeats, the registry's hot path (issue 14 item 3): kept in Redis only — one sorted set of
// last-seen times (score: epoch ms) that the sweeper reads and writes behind to PostgreSQL in
// batches, each runner's last report, and the jobs cancelled under each runner so its next
// heartbeat can tell it. Never one SQL write per heartbeat.
import type { Redis } from 'ioredis';

export interface HeartbeatReport {
  version?: string;
  jobsRunning?: number;
  freeCapacity?: number;
}

/** How long a cancelled job stays in the runner's heartbeat answers: a runner that misses one answer sees it in the next. */
const CANCELLED_TTL_SECONDS = 600;

export class HeartbeatStore {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  private get lastSeenKey(): string {
    return `${this.keyPrefix}heartbeats`;
  }

  private reportKey(runnerId: string): string {
    return `${this.keyPrefix}heartbeat:${runnerId}`;
  }

  private cancelledKey(runnerId: string): string {
    return `${this.keyPrefix}cancelled:${runnerId}`;
  }

  /** One round trip: records the heartbeat and answers the runner's cancelled jobs. */
  async record(runnerId: string, at: Date, report: HeartbeatReport): Promise<string[]> {
    const fields: string[] = ['at', String(at.getTime())];
    if (report.version !== undefined) fields.push('version', report.version);
    if (report.jobsRunning !== undefined) fields.push('jobsRunning', String(report.jobsRunning));
    if (report.freeCapacity !== undefined) fields.push('freeCapacity', String(report.freeCapacity));
    const results = await this.redis
      .multi()
      .zadd(this.lastSeenKey, 'GT', at.getTime(), runnerId)
      .hset(this.reportKey(runnerId), ...fields)
      .expire(this.reportKey(runnerId), 86_400)
      .smembers(this.cancelledKey(runnerId))
      .exec();
    const cancelled = results?.[3];
    if (!cancelled || cancelled[0]) throw cancelled?.[0] ?? new Error('heartbeat transaction was discarded');
    return cancelled[1] as string[];
  }

  /** Every runner's last-seen time (epoch ms), for the write-behind and the sweeper. */
  async lastSeen(): Promise<Map<string, number>> {
    const flat = await this.redis.zrange(this.lastSeenKey, 0, -1, 'WITHSCORES');
    const seen = new Map<string, number>();
    for (let i = 0; i + 1 < flat.length; i += 2) seen.set(flat[i]!, Number(flat[i + 1]));
    return seen;
  }

  async markCancelled(runnerId: string, jobId: string): Promise<void> {
    await this.redis.multi().sadd(this.cancelledKey(runnerId), jobId).expire(this.cancelledKey(runnerId), CANCELLED_TTL_SECONDS).exec();
  }

  async forget(runnerId: string): Promise<void> {
    await this.redis.multi().zrem(this.lastSeenKey, runnerId).del(this.reportKey(runnerId), this.cancelledKey(runnerId)).exec();
  }
}
