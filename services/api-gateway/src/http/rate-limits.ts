// Rate limits on Redis with rate-limiter-flexible (issue 5 item 3): per principal (or per key when
// the key carries its own limit), and a stricter per-IP budget for failed authentications that
// stops key guessing. Answers carry RateLimit / RateLimit-Policy (draft-ietf-httpapi-ratelimit-
// headers) and 429s carry Retry-After.
//
// The per-principal budgets are kept write-behind (data/write-behind-limiter.ts): each process
// decides locally and sends its counts to Redis every RATE_LIMIT_SYNC_MS, so a request does not
// wait for Redis. The failed-authentication budget stays exact: only failures pay for it.
//
// When Redis is unreachable each limiter falls back to an in-memory one with the same budget
// (rate-limiter-flexible's insurance limiter), per gateway process. Chosen over failing open
// (no limit at all while Redis is down, exactly when the system is weakest) and over failing
// closed (an outage of the whole API because a cache is down): with N replicas a caller may get
// up to N times its budget for the length of the outage, which is bounded and logged.
import type { ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError, type Logger } from '@runfleet/service-kit';
import { WriteBehindLimiter, type Decision } from '../data/write-behind-limiter';
import type { VerifiedCredential } from '../domain/verified-credential';
import { GatewayError, retryAfter } from './gateway-errors';
import type { GatewayMetrics } from './gateway-metrics';

const WINDOW_SECONDS = 60;

export interface RateLimitOptions {
  redis: Redis;
  /** Redis key prefix */
  prefix: string;
  perMinute: number;
  authFailuresPerMinute: number;
  /** requests per minute per client IP on the unauthenticated routes (the payment webhook) */
  publicPerMinute: number;
  /** requests per minute per client IP on the unauthenticated account routes (sign-up, sign-in, reset) */
  accountPerMinute: number;
  /** how often each process sends its per-principal counts to Redis (ms) */
  syncIntervalMs: number;
  metrics: GatewayMetrics;
  logger: Logger;
}

function limiter(redis: Redis, keyPrefix: string, points: number): RateLimiterRedis {
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix,
    points,
    duration: WINDOW_SECONDS,
    // Don't wait for a Redis that is not connected: go to the in-memory budget at once.
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: WINDOW_SECONDS }),
  });
}

function tooManyRequests(code: string, detail: string, msBeforeNext: number): GatewayError {
  return new GatewayError(AppError.tooManyRequests(code, detail), retryAfter(msBeforeNext));
}

export class RateLimits {
  private readonly byPoints = new Map<number, WriteBehindLimiter>();
  private readonly authFailures: RateLimiterRedis;
  private readonly publicRoutes: RateLimiterRedis;
  private readonly accountRoutes: RateLimiterRedis;

  constructor(private readonly options: RateLimitOptions) {
    this.authFailures = limiter(options.redis, `${options.prefix}rl:authfail`, options.authFailuresPerMinute);
    // Exact, not write-behind: these routes are rare, and nobody's key pays for them but the IP's.
    this.publicRoutes = limiter(options.redis, `${options.prefix}rl:public`, options.publicPerMinute);
    // Password guessing across accounts from one address: the reseller's per-account lockout cannot see it.
    this.accountRoutes = limiter(options.redis, `${options.prefix}rl:account`, options.accountPerMinute);
  }

  private principalLimiter(points: number): WriteBehindLimiter {
    let found = this.byPoints.get(points);
    if (!found) {
      const { redis, prefix, syncIntervalMs, logger } = this.options;
      found = new WriteBehindLimiter(limiter(redis, `${prefix}rl:${points}`, points), {
        syncIntervalMs,
        onSyncError: (err) => logger.warn({ err }, 'could not send rate-limit counts to Redis'),
      });
      this.byPoints.set(points, found);
    }
    return found;
  }

  /** Sends the counts not yet in Redis (graceful shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.byPoints.values()].map((l) => l.flush()));
  }

  private noteFallback(): void {
    if (this.options.redis.status !== 'ready') this.options.metrics.redisFallbacks.inc({ feature: 'rate_limit' });
  }

  /**
   * Takes one request from the caller's budget and sets the RateLimit headers; throws 429 when it
   * is spent. A key with its own limit has its own budget; otherwise all keys of a principal share one.
   * Decides at once (no promise) when this process knows the budget, nearly always; returns a
   * promise only when Redis must be asked first (a key's first request in a window).
   */
  consume(credential: VerifiedCredential, res: ServerResponse): Promise<void> | undefined {
    const own = credential.rateLimit?.requestsPerMinute;
    const points = own ?? this.options.perMinute;
    const key = own !== undefined ? `key:${credential.keyId}` : `${credential.principal.type}:${credential.principal.id}`;
    const policy = own !== undefined ? 'key' : 'principal';
    const limiter = this.principalLimiter(points);
    const local = limiter.decideLocally(key);
    if (local !== undefined) {
      this.apply(local, policy, points, res);
      return undefined;
    }
    return limiter.consume(key).then((result) => this.apply(result, policy, points, res));
  }

  private apply(result: Decision, policy: string, points: number, res: ServerResponse, limiterName = 'principal'): void {
    this.noteFallback();
    const resetSeconds = Math.max(0, Math.ceil(result.msBeforeNext / 1000));
    res.setHeader('RateLimit-Policy', `"${policy}";q=${points};w=${WINDOW_SECONDS}`);
    res.setHeader('RateLimit', `"${policy}";r=${result.remainingPoints};t=${resetSeconds}`);
    if (!result.allowed) {
      this.options.metrics.rateLimitRejections.inc({ limiter: limiterName });
      throw tooManyRequests('RATE_LIMIT_EXCEEDED', `Rate limit of ${points} requests per minute exceeded.`, result.msBeforeNext);
    }
  }

  /**
   * Takes one request from a client IP's budget on the unauthenticated routes (the webhook's, or the
   * account operations') and sets the RateLimit headers; throws 429 when it is spent. There is no
   * principal to count against.
   */
  async consumePublic(ip: string, res: ServerResponse, budget: 'webhook' | 'account' = 'webhook'): Promise<void> {
    const points = budget === 'account' ? this.options.accountPerMinute : this.options.publicPerMinute;
    let result: RateLimiterRes;
    let allowed = true;
    try {
      result = await (budget === 'account' ? this.accountRoutes : this.publicRoutes).consume(ip);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      result = rejection;
      allowed = false;
    }
    this.apply({ allowed, remainingPoints: result.remainingPoints, msBeforeNext: result.msBeforeNext }, 'ip', points, res, budget === 'account' ? 'account_ip' : 'public_ip');
  }

  /** Throws 429 when this client IP has failed authentication too often in the last minute. */
  async assertNotBlocked(ip: string): Promise<void> {
    const state = await this.authFailures.get(ip);
    if (state && state.consumedPoints >= this.options.authFailuresPerMinute) {
      this.options.metrics.rateLimitRejections.inc({ limiter: 'auth_failures' });
      throw tooManyRequests('AUTH_TOO_MANY_FAILURES', 'Too many failed authentications from this address; retry later.', state.msBeforeNext);
    }
  }

  /** Counts one failed authentication against the client IP. */
  async recordFailure(ip: string): Promise<void> {
    try {
      await this.authFailures.consume(ip);
    } catch (rejection) {
      // Over budget already: the next attempt is refused by assertNotBlocked.
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
    }
    this.noteFallback();
  }
}
