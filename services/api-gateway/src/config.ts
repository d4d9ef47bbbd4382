// The gateway's configuration: one zod schema over process.env, parsed once at boot (STYLE.md habit 12).
import { createHmac } from 'node:crypto';
import { resolve } from 'node:path';
import { z } from 'zod';
import { baseServiceConfig, httpUrl, loadConfig, port, positiveInt, redisUrl, secret } from '@runfleet/service-kit';
import { responseKeyFrom } from './data/response-cipher';

/** `https://a.example, https://b.example` or `*`; empty means no cross-origin access at all. */
const originList = () =>
  z
    .string()
    .trim()
    .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean))
    .refine((origins) => origins.every((o) => o === '*' || /^https?:\/\/[^/\s]+$/.test(o)), 'must be `*` or a comma-separated list of origins like https://app.example.com');

/** `http://a:8081` or `http://a:8081, http://b:8081`: one URL per replica of a service, no duplicates. */
const httpUrlList = () =>
  z
    .string()
    .trim()
    .transform((value) => value.split(',').map((url) => url.trim()).filter(Boolean))
    .refine((urls) => urls.length > 0, 'must be an http(s):// URL, or several separated by commas')
    .refine((urls) => urls.every((url) => httpUrl().safeParse(url).success), 'must be an http(s):// URL, or several separated by commas')
    .refine((urls) => new Set(urls).size === urls.length, 'must not name the same URL twice');

/** express 'trust proxy': `false`, `true`, a hop count, or addresses/CIDRs of the load balancers. */
const trustProxy = () =>
  z
    .string()
    .trim()
    .transform((value): boolean | number | string => {
      if (value === 'true') return true;
      if (value === 'false' || value === '') return false;
      if (/^\d+$/.test(value)) return Number(value);
      return value;
    });

export const configSchema = z.object({
  ...baseServiceConfig,
  PORT: port().default(8080),
  /**
   * where /metrics answers: an internal port, never the public one (issue 12 item 5), reachable like
   * the services' own ports — by operators and Prometheus inside the network, not by clients
   */
  METRICS_PORT: port().default(8090),
  REDIS_URL: redisUrl(),
  /**
   * each service's replicas: one http(s) URL, or several separated by commas, balanced round-robin
   * (docs/operations.md "Replicas")
   */
  RESELLER_URL: httpUrlList(),
  BILLING_URL: httpUrlList(),
  RUNNER_REGISTRY_URL: httpUrlList(),
  NOTIFICATIONS_URL: httpUrlList(),
  /**
   * HMAC key for the Redis keys of cached principals, so Redis never holds anything a key could be
   * recovered or replayed from. Optional: derived from PRINCIPAL_SECRET (domain-separated) when unset.
   */
  KEY_CACHE_SECRET: secret(32).optional(),
  /**
   * Encrypts the responses kept for Idempotency-Key replays (they can hold a raw API key; issue 12
   * item 4). Optional: derived from PRINCIPAL_SECRET (domain-separated) when unset. Changing it
   * makes the kept responses unreadable (409 IDEMPOTENCY_RECORD_UNREADABLE for up to 24 h).
   */
  IDEMPOTENCY_ENCRYPTION_KEY: secret(32).optional(),
  CORS_ORIGINS: originList().default([]),
  TRUST_PROXY: trustProxy().default(false),
  /** requests per minute per principal unless its key carries its own limit */
  RATE_LIMIT_PER_MINUTE: positiveInt().default(1200),
  /**
   * how often each gateway process sends its per-principal rate-limit counts to Redis (ms); replicas
   * together may overshoot a budget by what they admit in one interval
   */
  RATE_LIMIT_SYNC_MS: positiveInt().default(50).refine((n) => n <= 1000, 'must be at most 1000'),
  /** wrong credentials per minute per client IP before it gets 429 (brute-force guard); a request with no credential is not counted */
  AUTH_FAILURES_PER_MINUTE: positiveInt().default(20),
  /** requests per minute per client IP on the unauthenticated routes (the payment provider's webhook) */
  WEBHOOK_RATE_LIMIT_PER_MINUTE: positiveInt().default(600),
  /** request body limit on the unauthenticated routes, in bytes (413 past it); billing takes up to 256 KiB */
  WEBHOOK_BODY_LIMIT_BYTES: positiveInt().default(256 * 1024),
  /** request body limit in bytes (413 past it) */
  BODY_LIMIT_BYTES: positiveInt().default(1024 * 1024),
  /** upstream answer limit in bytes: a larger declared answer is 502, an unsized one is cut off there */
  RESPONSE_LIMIT_BYTES: positiveInt().default(10 * 1024 * 1024),
  UPSTREAM_CONNECT_TIMEOUT_MS: positiveInt().default(2000),
  /** time to the upstream's response headers, and between body chunks; past it 504 */
  UPSTREAM_TIMEOUT_MS: positiveInt().default(10000),
  /**
   * the longest a runner's claim long-polls at the runner-registry: set it to the registry's own
   * CLAIM_MAX_WAIT_SECONDS (or more). A claim gets this plus UPSTREAM_TIMEOUT_MS to its answer,
   * instead of UPSTREAM_TIMEOUT_MS alone (routing-table.ts LONG_POLL_ROUTES)
   */
  CLAIM_MAX_WAIT_SECONDS: positiveInt().default(30),
  /** concurrent requests per upstream replica before the gateway sheds load with 503 (a full replica passes the request to the next) */
  UPSTREAM_MAX_IN_FLIGHT: positiveInt().default(1024),
  BREAKER_RESET_MS: positiveInt().default(10000),
  /**
   * each read of a fan-out view (customer overview, reseller dashboard) to its whole answer; past it
   * that section is unavailable and the view answers without it (issue 18 item 6)
   */
  FANOUT_READ_TIMEOUT_MS: positiveInt().default(2000),
  /** seconds a verified principal stays cached (the issue caps it at 60) */
  AUTH_CACHE_TTL_SECONDS: positiveInt().default(60).refine((n) => n <= 60, 'must be at most 60'),
  /**
   * the gateway's own origin as browsers see it (`https://api.example.com`): a cookie-authenticated
   * write whose Origin is another one is refused (CSRF). Unset: the request's own protocol and Host
   */
  PUBLIC_ORIGIN: z
    .string()
    .trim()
    .regex(/^https?:\/\/[^/\s]+$/, 'must be an origin like https://api.example.com (no path, no trailing slash)')
    .optional(),
  /**
   * the session cookies' Secure attribute: `auto` sets it unless the client reached the gateway over
   * plain http from a loopback address (local development); `always` sets it on every answer.
   * Defaults to `auto`, and to `always` under NODE_ENV=production (withEnvironmentDefaults)
   */
  COOKIE_SECURE: z.enum(['auto', 'always']).default('auto'),
  /** requests per minute per client IP on the unauthenticated account routes (sign-up, sign-in, verification, reset) */
  AUTH_PER_IP_PER_MINUTE: positiveInt().default(20),
  /** request body limit on the unauthenticated account routes, in bytes (413 past it) */
  AUTH_BODY_LIMIT_BYTES: positiveInt().default(16 * 1024),
  /** the built web console served at /console (issue 19); absent → /console answers 503 */
  CONSOLE_DIST: z.string().trim().min(1).default(resolve(__dirname, '../../../console/dist')),
  /** Redis key prefix, so tests and several stacks can share one Redis */
  REDIS_KEY_PREFIX: z.string().default('runfleet:gateway:'),
});
export type Config = z.infer<typeof configSchema>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig(configSchema, withEnvironmentDefaults(env), { service: 'api-gateway' });
}

/**
 * Defaults that depend on the environment: Secure relaxed for loopback clients (COOKIE_SECURE=auto)
 * is for development, so a production process (NODE_ENV=production, as the image sets) defaults to
 * `always`; an explicit COOKIE_SECURE still wins.
 */
export function withEnvironmentDefaults(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return env.NODE_ENV === 'production' && env.COOKIE_SECURE === undefined ? { ...env, COOKIE_SECURE: 'always' } : env;
}

/** The key-cache HMAC key: KEY_CACHE_SECRET, or one derived from PRINCIPAL_SECRET for this purpose only. */
export function keyCacheSecret(config: Pick<Config, 'KEY_CACHE_SECRET' | 'PRINCIPAL_SECRET'>): string {
  return config.KEY_CACHE_SECRET ?? createHmac('sha256', config.PRINCIPAL_SECRET).update('runfleet api-gateway key cache v1').digest('base64url');
}

/** The key of stored idempotent responses: from IDEMPOTENCY_ENCRYPTION_KEY, or PRINCIPAL_SECRET, through HKDF for this purpose only. */
export function idempotencyEncryptionKey(config: Pick<Config, 'IDEMPOTENCY_ENCRYPTION_KEY' | 'PRINCIPAL_SECRET'>): Buffer {
  return responseKeyFrom(config.IDEMPOTENCY_ENCRYPTION_KEY ?? config.PRINCIPAL_SECRET);
}
