// Reseller tiers as pure rules (DESIGN.md §2, §10): which tier trailing sales earn, the commission
// bonus each tier adds, and how far the next tier is. Configured once at boot (config.ts).
import { DEFAULT_TIER_BONUS_BPS, DEFAULT_TIER_THRESHOLDS, DEFAULT_TIER_WINDOW_DAYS, parseTierBonusBps, parseTierThresholds, RESELLER_TIERS } from '@runfleet/contracts';

export type Tier = (typeof RESELLER_TIERS)[number];
export const TIERS: readonly Tier[] = RESELLER_TIERS;

export interface TierPolicy {
  /** trailing-sales threshold (micro-units) from which each tier above bronze applies; strictly increasing */
  thresholds: Record<Exclude<Tier, 'bronze'>, bigint>;
  /** commission bonus of each tier, basis points */
  bonusBps: Record<Tier, number>;
  /** how many days of sales count */
  windowDays: number;
}

export { DEFAULT_TIER_BONUS_BPS, DEFAULT_TIER_THRESHOLDS, DEFAULT_TIER_WINDOW_DAYS, parseTierBonusBps, parseTierThresholds } from '@runfleet/contracts';

export function tierPolicy(thresholds = DEFAULT_TIER_THRESHOLDS, bonus = DEFAULT_TIER_BONUS_BPS, windowDays = DEFAULT_TIER_WINDOW_DAYS): TierPolicy {
  return { thresholds: parseTierThresholds(thresholds), bonusBps: parseTierBonusBps(bonus), windowDays };
}

/** The highest tier whose threshold the sales reach (a threshold reached exactly counts). */
export function tierForSales(salesMicros: bigint, policy: TierPolicy): Tier {
  let tier: Tier = 'bronze';
  for (const candidate of ['silver', 'gold', 'platinum'] as const) {
    if (salesMicros >= policy.thresholds[candidate]) tier = candidate;
  }
  return tier;
}

export function tierRank(tier: Tier): number {
  return TIERS.indexOf(tier);
}

/** The tier above `tier` with what it takes to get there, or null at platinum. */
export function nextTier(tier: Tier, salesMicros: bigint, policy: TierPolicy): { tier: Exclude<Tier, 'bronze'>; thresholdMicros: bigint; remainingMicros: bigint } | null {
  const above = TIERS[tierRank(tier) + 1] as Exclude<Tier, 'bronze'> | undefined;
  if (!above) return null;
  const thresholdMicros = policy.thresholds[above];
  const remaining = thresholdMicros - salesMicros;
  return { tier: above, thresholdMicros, remainingMicros: remaining > 0n ? remaining : 0n };
}

/** Start of the trailing window that ends at `now`. */
export function windowStart(now: Date, policy: TierPolicy): Date {
  return new Date(now.getTime() - policy.windowDays * 24 * 3_600_000);
}
