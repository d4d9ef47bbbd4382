// The billing service's configuration: one schema over process.env, parsed once at boot.
import { z } from 'zod';
import { baseServiceConfig, loadConfig, port, positiveInt, postgresUrl, secret } from '@runfleet/service-kit';

export const configSchema = z.object({
  ...baseServiceConfig,
  PORT: port().default(8082),
  DATABASE_URL: postgresUrl(),
  /** an unposted job hold expires this long after it was placed (DESIGN.md §10 "Holds") */
  HOLD_TTL_MS: positiveInt().default(24 * 3_600_000),
  /** how often expired holds are released (every replica sweeps; SKIP LOCKED shares the work) */
  HOLD_SWEEP_INTERVAL_MS: positiveInt().default(60_000),
  /** a wallet below zero this many days gets wallet.overdue_reminder, once per episode (DESIGN.md §2 "Credit account") */
  OVERDUE_REMIND_AFTER_DAYS: positiveInt().default(7),
  /** a wallet below zero this many days is suspended by the overdue check */
  OVERDUE_SUSPEND_AFTER_DAYS: positiveInt().default(30),
  /** how often each replica runs the overdue check (SKIP LOCKED shares the work) */
  OVERDUE_CHECK_INTERVAL_MS: positiveInt().default(3_600_000),
  /** the payment provider's webhook signing secret (Stripe `whsec_…`); unset: the webhook answers 503 */
  PAYMENT_WEBHOOK_SECRET: secret(16).optional(),
  /** how old a webhook signature's timestamp may be (Stripe's default is 300 s) */
  PAYMENT_WEBHOOK_TOLERANCE_SECONDS: positiveInt().default(300),
});
export type Config = z.infer<typeof configSchema>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig(configSchema, env, { service: 'billing' });
}
