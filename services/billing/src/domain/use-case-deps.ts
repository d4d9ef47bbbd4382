// What the use cases are given by their entry points (routes, consumers, CLI): the database, a
// clock, and the hold policy.
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

export const DEFAULT_EARNINGS_POLICY: EarningsPolicy = {
  holdingDays: 14,
  payoutMinimum: 50_000_000n,
  tierThresholds: { silver: 1_000_000_000n, gold: 10_000_000_000n, platinum: 50_000_000_000n },
  tierBonusBps: { bronze: 0, silver: 100, gold: 250, platinum: 500 },
  tierWindowDays: 90,
};
