// Rate limits on Redis with rate-limiter-flexible (issue 5 item 3): per principal (or per key when
// the key carries its own limit), and a stricter per-IP budget for failed authentications that
// stops key guessing. Answers carry RateLimit / RateLimit-Policy (draft-ietf-httpapi-ratelimit-
// headers) and 429s carry Retry-After.
//
// When Redis is unreachable each limiter falls back to an in-memory one with the same budget
// (rate-limiter-flexible's insurance limiter), per gateway process. Chosen over failing open
// (no limit at all while Redis is down, exactly when the system is weakest) and over failing
// closed (an outage of the whole API because a cache is down): with N replicas a caller may get
// up to N times its budget for the length of the outage, which is bounded and logged.
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '@runfleet/service-kit';
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
  metrics: GatewayMetrics;
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
  private readonly byPoints = new Map<number, RateLimiterRedis>();
  private readonly authFailures: RateLimiterRedis;

  constructor(private readonly options: RateLimitOptions) {
    this.authFailures = limiter(options.redis, `${options.prefix}rl:authfail`, options.authFailuresPerMinute);
  }

  private principalLimiter(points: number): RateLimiterRedis {
    let found = this.byPoints.get(points);
    if (!found) {
      found = limiter(this.options.redis, `${this.options.prefix}rl:${points}`, points);
      this.byPoints.set(points, found);
    }
    return found;
  }

  private noteFallback(): void {
    if (this.options.redis.status !== 'ready') this.options.metrics.redisFallbacks.inc({ feature: 'rate_limit' });
  }

  /**
   * Takes one request from the caller's budget and sets the RateLimit headers; throws 429 when it
   * is spent. A key with its own limit has its own budget; otherwise all keys of a principal share one.
   */
  async consume(credential: VerifiedCredential, res: Response): Promise<void> {
    const own = credential.rateLimit?.requestsPerMinute;
    const points = own ?? this.options.perMinute;
    const key = own !== undefined ? `key:${credential.keyId}` : `${credential.principal.type}:${credential.principal.id}`;
    const policy = own !== undefined ? 'key' : 'principal';
    let result: RateLimiterRes;
    let allowed = true;
    try {
      result = await this.principalLimiter(points).consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      result = rejection;
      allowed = false;
    }
    this.noteFallback();
    const resetSeconds = Math.max(0, Math.ceil(result.msBeforeNext / 1000));
    res.setHeader('RateLimit-Policy', `"${policy}";q=${points};w=${WINDOW_SECONDS}`);
    res.setHeader('RateLimit', `"${policy}";r=${result.remainingPoints};t=${resetSeconds}`);
    if (!allowed) {
      this.options.metrics.rateLimitRejections.inc({ limiter: 'principal' });
      throw tooManyRequests('RATE_LIMIT_EXCEEDED', `Rate limit of ${points} requests per minute exceeded.`, result.msBeforeNext);
    }
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
