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

// KEYS: last-seen set, the runner's report, its cancelled jobs. ARGV: epoch ms, runner id, report
// TTL seconds, then the report's field/value pairs. One command rather than a MULTI of four, so
// that with auto-pipelining the heartbeats arriving together share one socket write: that write
// was the largest self-time frame of a heartbeat (docs/benchmarks.md). Answers the runner's
// cancelled jobs and the time it was last seen before this heartbeat (false: never).
const RECORD_HEARTBEAT = `
local previous = redis.call('ZSCORE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[1], 'GT', ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], unpack(ARGV, 4))
redis.call('EXPIRE', KEYS[2], ARGV[3])
return {previous, redis.call('SMEMBERS', KEYS[3])}`;

export interface RecordedHeartbeat {
  cancelledJobIds: string[];
  /** when the runner was last seen before this heartbeat (epoch ms); null: never, as far as Redis knows */
  previousAt: number | null;
}

type HeartbeatCommands = Redis & {
  registryRecordHeartbeat(
    lastSeen: string,
    report: string,
    cancelled: string,
    at: string,
    runnerId: string,
    ttlSeconds: string,
    ...fields: string[]
  ): Promise<[string | null, string[]]>;
};

/** How long a cancelled job stays in the runner's heartbeat answers: a runner that misses one answer sees it in the next. */
const CANCELLED_TTL_SECONDS = 600;
const REPORT_TTL_SECONDS = 86_400;

export class HeartbeatStore {
  private readonly redis: HeartbeatCommands;

  constructor(
    redis: Redis,
    private readonly keyPrefix: string,
  ) {
    this.redis = redis as HeartbeatCommands;
    if (!('registryRecordHeartbeat' in redis)) redis.defineCommand('registryRecordHeartbeat', { numberOfKeys: 3, lua: RECORD_HEARTBEAT });
  }

  private get lastSeenKey(): string {
    return `${this.keyPrefix}heartbeats`;
  }

  private reportKey(runnerId: string): string {
    return `${this.keyPrefix}heartbeat:${runnerId}`;
  }

  private cancelledKey(runnerId: string): string {
    return `${this.keyPrefix}cancelled:${runnerId}`;
  }

  /** One command: records the heartbeat and answers the runner's cancelled jobs and when it was last seen. */
  async record(runnerId: string, at: Date, report: HeartbeatReport): Promise<RecordedHeartbeat> {
    const fields: string[] = ['at', String(at.getTime())];
    if (report.version !== undefined) fields.push('version', report.version);
    if (report.jobsRunning !== undefined) fields.push('jobsRunning', String(report.jobsRunning));
    if (report.freeCapacity !== undefined) fields.push('freeCapacity', String(report.freeCapacity));
    const [previous, cancelledJobIds] = await this.redis.registryRecordHeartbeat(
      this.lastSeenKey,
      this.reportKey(runnerId),
      this.cancelledKey(runnerId),
      String(at.getTime()),
      runnerId,
      String(REPORT_TTL_SECONDS),
      ...fields,
    );
    return { cancelledJobIds, previousAt: previous === null ? null : Number(previous) };
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
