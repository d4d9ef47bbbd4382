// The billing service's configuration: one schema over process.env, parsed once at boot.
import { z } from 'zod';
import { DEFAULT_TIER_BONUS_BPS, DEFAULT_TIER_THRESHOLDS, DEFAULT_TIER_WINDOW_DAYS, parseMoney, parseTierBonusBps, parseTierThresholds } from '@runfleet/contracts';
import { payoutDetailsKeyFrom } from './domain/payout-details-cipher';
import { baseServiceConfig, loadConfig, parsedSetting, port, positiveInt, postgresUrl, secret } from '@runfleet/service-kit';

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
  /** a commission is approved (credited to the reseller's earnings wallet) this many days after it was earned (issue 16) */
  COMMISSION_HOLDING_DAYS: positiveInt().default(14),
  /** how often the commission approval job runs (one replica at a time: an advisory lock) */
  COMMISSION_APPROVAL_INTERVAL_MS: positiveInt().default(3_600_000),
  /** key of the sealed payout method details (IBAN, PayPal address); unset: derived from PRINCIPAL_SECRET (HKDF) */
  PAYOUT_DETAILS_ENCRYPTION_KEY: secret(32).optional(),
  /** the smallest payout a reseller may request, in currency units ("50", "12.5") */
  PAYOUT_MINIMUM: parsedSetting('50', (text) => parseMoney(text, 'PAYOUT_MINIMUM')),
  /** the reseller service's tier settings (same names, same defaults): the tier bonus of a new reseller and the progress to the next tier */
  TIER_THRESHOLDS: parsedSetting(DEFAULT_TIER_THRESHOLDS, parseTierThresholds),
  TIER_BONUS_BPS: parsedSetting(DEFAULT_TIER_BONUS_BPS, parseTierBonusBps),
  TIER_WINDOW_DAYS: positiveInt().default(DEFAULT_TIER_WINDOW_DAYS),
  /** from this day of the month (UTC, 1–28) the monthly invoicing issues last month's statements and commission invoices */
  INVOICE_RUN_DAY: positiveInt().pipe(z.number().max(28, 'must be a day from 1 to 28')).default(1),
  /** how often each replica checks for monthly invoicing still to do (reruns create nothing twice) */
  INVOICE_RUN_INTERVAL_MS: positiveInt().default(3_600_000),
  /** whether the monthly invoicing also invoices every reseller's approved commissions (`false`: resellers and admins do it by API) */
  INVOICE_COMMISSIONS_MONTHLY: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** an issued invoice is due this many days later */
  INVOICE_DUE_DAYS: positiveInt().default(14),
  /** the platform's name on invoice PDFs: the seller of statements, the buyer of commission invoices */
  INVOICE_SELLER_NAME: z.string().min(1).max(200).default('Runfleet'),
  /** the platform's address lines on invoice PDFs, separated by `|` */
  INVOICE_SELLER_ADDRESS: z.string().max(500).default(''),
});
export type Config = z.infer<typeof configSchema>;

/** The key payout method details are sealed with: PAYOUT_DETAILS_ENCRYPTION_KEY, or PRINCIPAL_SECRET, through HKDF. */
export function payoutDetailsKey(config: Pick<Config, 'PAYOUT_DETAILS_ENCRYPTION_KEY' | 'PRINCIPAL_SECRET'>): Buffer {
  return payoutDetailsKeyFrom(config.PAYOUT_DETAILS_ENCRYPTION_KEY ?? config.PRINCIPAL_SECRET);
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig(configSchema, env, { service: 'billing' });
}
