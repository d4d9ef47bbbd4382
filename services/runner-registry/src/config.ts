// The runner-registry service's configuration: one schema over process.env, parsed once at boot.
import { z } from 'zod';
import { baseServiceConfig, loadConfig, port, postgresUrl, redisUrl } from '@runfleet/service-kit';

export const configSchema = z.object({
  ...baseServiceConfig,
  PORT: port().default(8083),
  DATABASE_URL: postgresUrl(),
  /** heartbeats live in Redis (DESIGN.md §2) */
  REDIS_URL: redisUrl(),
});
export type Config = z.infer<typeof configSchema>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig(configSchema, env, { service: 'runner-registry' });
}
