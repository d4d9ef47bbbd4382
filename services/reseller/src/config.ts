// The reseller service's configuration: one schema over process.env, parsed once at boot.
import { z } from 'zod';
import { baseServiceConfig, loadConfig, parsedSetting, port, positiveInt, postgresUrl, secret } from '@runfleet/service-kit';
import { DEFAULT_TIER_BONUS_BPS, DEFAULT_TIER_THRESHOLDS, DEFAULT_TIER_WINDOW_DAYS, parseTierBonusBps, parseTierThresholds } from './domain/tier-rules';

export const configSchema = z.object({
  ...baseServiceConfig,
  PORT: port().default(8081),
  DATABASE_URL: postgresUrl(),
  /** server-side pepper of the HMAC-SHA256 that API keys are stored as (DESIGN.md §7) */
  API_KEY_PEPPER: secret(32),
  /** trailing-sales thresholds of the tiers above bronze, in currency units (DESIGN.md §2 tiers) */
  TIER_THRESHOLDS: parsedSetting(DEFAULT_TIER_THRESHOLDS, parseTierThresholds),
  /** commission bonus each tier adds, basis points (a tier left out adds 0) */
  TIER_BONUS_BPS: parsedSetting(DEFAULT_TIER_BONUS_BPS, parseTierBonusBps),
  /** how many days of sales decide the tier */
  TIER_WINDOW_DAYS: positiveInt().default(DEFAULT_TIER_WINDOW_DAYS),
  /** how often every tier is recomputed, so sales ageing out of the window demote */
  TIER_RECOMPUTE_INTERVAL_MS: positiveInt().default(15 * 60_000),
  /** a signed-in session ends after this many minutes without a request (issue 19) */
  SESSION_IDLE_MINUTES: positiveInt().default(30),
  /** …and this many hours after sign-in, however active */
  SESSION_ABSOLUTE_HOURS: positiveInt().default(12),
});
export type Config = z.infer<typeof configSchema>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig(configSchema, env, { service: 'reseller' });
}
