// The notifications service's configuration: one schema over process.env, parsed once at boot.
import { z } from 'zod';
import { baseServiceConfig, loadConfig, port, postgresUrl } from '@runfleet/service-kit';

export const configSchema = z.object({
  ...baseServiceConfig,
  PORT: port().default(8084),
  DATABASE_URL: postgresUrl(),
});
export type Config = z.infer<typeof configSchema>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig(configSchema, env, { service: 'notifications' });
}
