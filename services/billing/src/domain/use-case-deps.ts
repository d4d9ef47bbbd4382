// What the use cases are given by their entry points (routes, consumers, CLI): the database, a
// clock, the hold policy and the earnings policy.
import { DEFAULT_TIER_BONUS_BPS, DEFAULT_TIER_THRESHOLDS, DEFAULT_TIER_WINDOW_DAYS, parseTierBonusBps, parseTierThresholds } from '@runfleet/contracts';
import type { PrismaClient } from '../db';

export interface UseCaseDeps {
  prisma: PrismaClient;
  /** read through this so tests can move time (hold expiry, price versions) */
  now: () => Date;
}

export interface HoldPolicy {
  /** an unposted hold expires this long after it was placed (config HOLD_TTL_MS) */
  holdTtlMs: number;
}

/** How commissions are approved and paid out, and the tiers they are shown against (config COMMISSION_*, PAYOUT_*, TIER_*). */
export interface EarningsPolicy {
  /** a commission is approved this many days after it was earned */
  holdingDays: number;
  /** the smallest payout, micro-units */
  payoutMinimum: bigint;
  /** the reseller service's tier thresholds (micro-units) and bonuses (basis points) */
  tierThresholds: { silver: bigint; gold: bigint; platinum: bigint };
  tierBonusBps: { bronze: number; silver: number; gold: number; platinum: number };
  /** how many days of sales decide a tier */
  tierWindowDays: number;
}

/** config.ts's defaults, for the app and tests built without a config */
export const DEFAULT_EARNINGS_POLICY: EarningsPolicy = {
  holdingDays: 14,
  payoutMinimum: 50_000_000n,
  tierThresholds: parseTierThresholds(DEFAULT_TIER_THRESHOLDS),
  tierBonusBps: parseTierBonusBps(DEFAULT_TIER_BONUS_BPS),
  tierWindowDays: DEFAULT_TIER_WINDOW_DAYS,
};
