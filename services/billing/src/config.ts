// The billing service's configuration: one schema over process.env, parsed once at boot.
import { z } from 'zod';
import { baseServiceConfig, loadConfig, port, positiveInt, postgresUrl } from '@runfleet/service-kit';

export const configSchema = z.object({
  ...baseServiceConfig,
  PORT: port().default(8082),
  DATABASE_URL: postgresUrl(),
  /** an unposted job hold expires this long after it was placed (DESIGN.md §10 "Holds") */
  HOLD_TTL_MS: positiveInt().default(24 * 3_600_000),
  /** how often expired holds are released (every replica sweeps; SKIP LOCKED shares the work) */
  HOLD_SWEEP_INTERVAL_MS: positiveInt().default(60_000),
});
export type Config = z.infer<typeof configSchema>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig(configSchema, env, { service: 'billing' });
}
