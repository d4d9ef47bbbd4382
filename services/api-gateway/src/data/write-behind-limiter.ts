// A write-behind layer over one rate-limiter-flexible limiter (RateLimiterRedis with its in-memory
// insurance): each gateway process decides locally from the budget Redis last reported plus what it
// has taken since, and sends what it took to Redis in one `consume(key, n)` per key every few
// milliseconds. rate-limiter-flexible has no such mode; without it every request paid a Redis
// round trip (an EVAL) — about a sixth of the gateway's CPU per request and as much again in Redis
// (docs/benchmarks.md, Gateway).
//
// What it costs in accuracy: within one process the count is exact (a request is refused as soon
// as Redis's count plus this process's unsent ones reach the budget). Across replicas, each one sees
// the others' requests at its next sync, so all together they can overshoot a budget by at most
// what they admit in one sync interval. The first request of a key in a window goes to Redis and
// waits for its answer, so a key's first window starts from the shared count.
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface Decision {
  allowed: boolean;
  remainingPoints: number;
  msBeforeNext: number;
}

interface KeyBudget {
  /** points consumed in the window, all replicas, as Redis last answered */
  consumed: number;
  /** sent to Redis, answer pending */
  inFlight: number;
  /** taken here since, not yet sent */
  pending: number;
  /** when the window ends, epoch ms */
  resetAt: number;
}

export interface WriteBehindOptions {
  /** how long taken points wait before they are sent to Redis (ms) */
  syncIntervalMs: number;
  /** told when sending to Redis failed (the points are lost from the shared count, not from this process's) */
  onSyncError?: (err: unknown) => void;
}

export class WriteBehindLimiter {
  private readonly budgets = new Map<string, KeyBudget>();
  private timer: NodeJS.Timeout | undefined;
  private syncing = new Set<Promise<void>>();

  constructor(
    private readonly limiter: RateLimiterAbstract,
    private readonly options: WriteBehindOptions,
  ) {}

  get points(): number {
    return this.limiter.points;
  }

  /** Takes one point from `key`'s budget, or refuses when the budget is spent. */
  async consume(key: string): Promise<Decision> {
    return this.decideLocally(key) ?? this.consumeInRedis(key);
  }

  /**
   * `consume` without waiting, for the hot path: the decision when this process knows `key`'s
   * budget in the current window, or undefined when only Redis can decide (then call `consume`).
   */
  decideLocally(key: string): Decision | undefined {
    const now = Date.now();
    const budget = this.budgets.get(key);
    if (budget === undefined || now >= budget.resetAt) return undefined;
    const taken = budget.consumed + budget.inFlight + budget.pending;
    if (taken >= this.limiter.points) return { allowed: false, remainingPoints: 0, msBeforeNext: budget.resetAt - now };
    budget.pending += 1;
    this.scheduleSync();
    return { allowed: true, remainingPoints: this.limiter.points - taken - 1, msBeforeNext: budget.resetAt - now };
  }

  /** A key's first request in a window: straight to Redis, and its answer starts the local budget. */
  private async consumeInRedis(key: string): Promise<Decision> {
    let result: RateLimiterRes;
    let allowed = true;
    try {
      result = await this.limiter.consume(key, 1);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      result = rejection;
      allowed = false;
    }
    const existing = this.budgets.get(key);
    if (existing !== undefined && Date.now() < existing.resetAt) {
      // A concurrent first request already started the budget: add to it.
      existing.consumed = Math.max(existing.consumed, result.consumedPoints);
    } else {
      this.budgets.set(key, { consumed: result.consumedPoints, inFlight: 0, pending: 0, resetAt: Date.now() + result.msBeforeNext });
    }
    return { allowed, remainingPoints: result.remainingPoints, msBeforeNext: result.msBeforeNext };
  }

  private scheduleSync(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sync();
    }, this.options.syncIntervalMs);
    this.timer.unref();
  }

  /** Sends every key's unsent points to Redis; forgets keys whose window is over. */
  private sync(): void {
    const now = Date.now();
    for (const [key, budget] of this.budgets) {
      if (budget.pending === 0) {
        if (budget.inFlight === 0 && now >= budget.resetAt) this.budgets.delete(key);
        continue;
      }
      const points = budget.pending;
      budget.pending = 0;
      budget.inFlight += points;
      const sent = this.limiter
        .consume(key, points)
        .catch((rejection: unknown) => {
          if (rejection instanceof RateLimiterRes) return rejection;
          this.options.onSyncError?.(rejection);
          return null;
        })
        .then((result) => {
          budget.inFlight -= points;
          if (result === null) return;
          budget.consumed = result.consumedPoints;
          budget.resetAt = Date.now() + result.msBeforeNext;
        });
      this.syncing.add(sent);
      void sent.finally(() => this.syncing.delete(sent));
    }
  }

  /** Sends what is still unsent (graceful shutdown), and waits for Redis's answers. */
  async flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.sync();
    await Promise.all([...this.syncing]);
  }
}
