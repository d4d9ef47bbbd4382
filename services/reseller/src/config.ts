// The reseller service's configuration: one schema over process.env, parsed once at boot.
import { z } from 'zod';
import { baseServiceConfig, loadConfig, port, postgresUrl, secret } from '@runfleet/service-kit';

export const configSchema = z.object({
  ...baseServiceConfig,
  PORT: port().default(8081),
  DATABASE_URL: postgresUrl(),
  /** server-side pepper of the HMAC-SHA256 that API keys are stored as (DESIGN.md §7) */
  API_KEY_PEPPER: secret(32),
});
export type Config = z.infer<typeof configSchema>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig(configSchema, env, { service: 'reseller' });
}
