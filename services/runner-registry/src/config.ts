// The runner-registry service's configuration: one schema over process.env, parsed once at boot.
import { z } from 'zod';
import { baseServiceConfig, loadConfig, port, positiveInt, postgresUrl, redisUrl, secret } from '@runfleet/service-kit';

export const configSchema = z.object({
  ...baseServiceConfig,
  PORT: port().default(8083),
  DATABASE_URL: postgresUrl(),
  /** heartbeats live in Redis (DESIGN.md §2); queued jobs wake long-polling claims through it */
  REDIS_URL: redisUrl(),
  /** every Redis key and channel of this service starts with it (tests isolate themselves by it) */
  REDIS_KEY_PREFIX: z.string().default('runfleet:runner-registry:'),
  /** server-side pepper of the HMAC-SHA256 that registration and runner tokens are stored as (DESIGN.md §7) */
  RUNNER_TOKEN_PEPPER: secret(32),
  /** the longest a claim long-polls before answering 204 (issue 14: up to 30 s) */
  CLAIM_MAX_WAIT_SECONDS: positiveInt().default(30),
  /** attempts a job gets before a lost runner fails it with runner_lost */
  JOB_MAX_ATTEMPTS: positiveInt().default(3),
  /** how often runners heartbeat; a runner silent for N intervals is stale, for M offline (issue 14 item 3) */
  HEARTBEAT_INTERVAL_SECONDS: positiveInt().default(10),
  STALE_AFTER_MISSED: positiveInt().default(2),
  OFFLINE_AFTER_MISSED: positiveInt().default(5),
  /**
   * when no online runner could ever take a job (DESIGN.md §10 fail fast): `submit` refuses it at
   * submission (422 JOB_NO_COMPATIBLE_RUNNER); `queue` accepts it and the sweeper fails it with
   * no_compatible_runner once it has waited MAX_QUEUE_SECONDS with still no such runner
   */
  NO_COMPATIBLE_RUNNER: z.enum(['submit', 'queue']).default('submit'),
  MAX_QUEUE_SECONDS: positiveInt().default(600),
  /**
   * how long a runner has to start a job it claimed; an assigned job still not started after this
   * goes back to the queue (job.requeued, lease_expired) — the claim's answer may never have reached it
   */
  ASSIGNMENT_LEASE_SECONDS: positiveInt().default(120),
  /** a job's run-time limit when its submitter names none */
  JOB_DEFAULT_TIMEOUT_SECONDS: positiveInt().default(3600),
});
export type Config = z.infer<typeof configSchema>;

/** A bad pair of thresholds stops start-up like any other bad value. */
export const checkedConfigSchema = configSchema.refine((c) => c.OFFLINE_AFTER_MISSED > c.STALE_AFTER_MISSED, {
  path: ['OFFLINE_AFTER_MISSED'],
  message: 'must be more than STALE_AFTER_MISSED',
});

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig(checkedConfigSchema, env, { service: 'runner-registry' });
}
