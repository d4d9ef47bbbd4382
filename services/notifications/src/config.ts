// The notifications service's configuration: one schema over process.env, parsed once at boot.
import { z } from 'zod';
import { baseServiceConfig, loadConfig, parsedSetting, port, positiveInt, postgresUrl, secret } from '@runfleet/service-kit';
import { secretKeyFrom } from './domain/secret-cipher';
import { DEFAULT_RETRY_SCHEDULE, parseDuration, parseSchedule, type WebhookPolicy } from './domain/webhook-policy';

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
  /**
   * The billing service, whose invoice PDFs invoice.issued email carries (GET /internal/invoices/{id}.pdf);
   * several replicas comma-separated, tried in turn.
   */
  BILLING_URL: z
    .string()
    .default('http://127.0.0.1:8082')
    .transform((value) => value.split(',').map((url) => url.trim()).filter(Boolean))
    .pipe(z.array(z.url({ protocol: /^https?$/ })).min(1)),
  /** connect, header and body timeout of each billing request; past it the email is retried later */
  BILLING_TIMEOUT_MS: positiveInt().default(5_000),
  /**
   * The web console as people reach it (the gateway's `/console`): account mail links to its
   * /verify, /reset and /invite pages. The default is the local stack's gateway port (8080).
   */
  CONSOLE_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8080/console'),
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
  /** key of the sealed webhook secrets; unset: derived from PRINCIPAL_SECRET (HKDF) */
  WEBHOOK_SECRET_ENCRYPTION_KEY: secret(32).optional(),
  /** dev only: endpoints may be http:// on loopback, and deliveries may reach loopback addresses */
  WEBHOOKS_ALLOW_INSECURE_LOOPBACK: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** delays between attempts (Standard Webhooks' schedule by default) */
  WEBHOOK_RETRY_SCHEDULE: parsedSetting(DEFAULT_RETRY_SCHEDULE, parseSchedule),
  /** an endpoint failing every attempt this long is disabled */
  WEBHOOK_DISABLE_AFTER: parsedSetting('5d', parseDuration),
  /** its owner is warned this long before */
  WEBHOOK_WARN_BEFORE: parsedSetting('1d', parseDuration),
  /** a rotated-out secret keeps signing this long */
  WEBHOOK_SECRET_OVERLAP: parsedSetting('24h', parseDuration),
  /** a 2xx within this is a success */
  WEBHOOK_TIMEOUT_MS: positiveInt().default(15_000),
  /** attempts in flight per process */
  WEBHOOK_CONCURRENCY: positiveInt().default(256),
  /** attempts in flight per endpoint per process */
  WEBHOOK_ENDPOINT_CONCURRENCY: positiveInt().default(8),
  /** how often an idle dispatcher looks for due deliveries */
  WEBHOOK_POLL_MS: positiveInt().default(200),
});
export type Config = z.infer<typeof configSchema>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig(configSchema, env, { service: 'notifications' });
}

export function webhookPolicy(config: Config): WebhookPolicy {
  return {
    retryScheduleMs: config.WEBHOOK_RETRY_SCHEDULE,
    disableAfterMs: config.WEBHOOK_DISABLE_AFTER,
    warnBeforeMs: config.WEBHOOK_WARN_BEFORE,
    secretOverlapMs: config.WEBHOOK_SECRET_OVERLAP,
  };
}

/** The key webhook secrets are sealed with: WEBHOOK_SECRET_ENCRYPTION_KEY, or PRINCIPAL_SECRET, through HKDF. */
export function webhookSecretKey(config: Pick<Config, 'WEBHOOK_SECRET_ENCRYPTION_KEY' | 'PRINCIPAL_SECRET'>): Buffer {
  return secretKeyFrom(config.WEBHOOK_SECRET_ENCRYPTION_KEY ?? config.PRINCIPAL_SECRET);
}
