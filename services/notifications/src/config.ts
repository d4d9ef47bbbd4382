// The notifications service's configuration: one schema over process.env, parsed once at boot.
import { z } from 'zod';
import { baseServiceConfig, loadConfig, port, positiveInt, postgresUrl } from '@runfleet/service-kit';

const smtpUrl = () =>
  z.url().refine((value) => ['smtp:', 'smtps:'].includes(new URL(value).protocol), 'must be an smtp:// or smtps:// URL');

export const configSchema = z.object({
  ...baseServiceConfig,
  PORT: port().default(8084),
  DATABASE_URL: postgresUrl(),
  /**
   * Where email goes (nodemailer SMTP URL, credentials in it if the server needs them). The default
   * is the local catcher `npm start` runs; a deployment sets its own.
   */
  SMTP_URL: smtpUrl().default('smtp://127.0.0.1:8085'),
  /** the From of every email */
  EMAIL_FROM: z.string().min(3).default('Runfleet <notifications@runfleet.local>'),
  /** how often the sender looks for email other replicas recorded or that came due for a retry */
  EMAIL_POLL_INTERVAL_MS: positiveInt().default(1_000),
  /** how long a claimed email stays claimed; past it another sender takes it over (and may send it again) */
  EMAIL_LEASE_MS: positiveInt().default(60_000),
  /** attempts before an email is given up */
  EMAIL_MAX_ATTEMPTS: positiveInt().default(8),
  /** first retry delay of a failed send, doubled per attempt up to 10 minutes */
  EMAIL_RETRY_BASE_MS: positiveInt().default(5_000),
  /** emails claimed per batch */
  EMAIL_BATCH_SIZE: positiveInt().default(20),
  /** emails in flight at once (and SMTP connections); a crash may repeat at most this many */
  EMAIL_CONCURRENCY: positiveInt().default(2),
});
export type Config = z.infer<typeof configSchema>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig(configSchema, env, { service: 'notifications' });
}
