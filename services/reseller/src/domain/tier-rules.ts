// Reseller tiers as pure rules (DESIGN.md §2, §10): which tier trailing sales earn, the commission
// bonus each tier adds, and how far the next tier is. Configured once at boot (config.ts).
import { MICROS_PER_UNIT, RESELLER_TIERS } from '@runfleet/contracts';

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

export const DEFAULT_TIER_THRESHOLDS = 'silver:1000,gold:10000,platinum:50000';
export const DEFAULT_TIER_BONUS_BPS = 'bronze:0,silver:100,gold:250,platinum:500';
export const DEFAULT_TIER_WINDOW_DAYS = 90;

/** A list `tier:value,tier:value`; throws a readable Error on anything else. */
function parsePairs(text: string, what: string): Map<Tier, string> {
  const pairs = new Map<Tier, string>();
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p.length > 0)) {
    const match = /^([a-z]+)\s*:\s*(\S+)$/.exec(part);
    if (!match) throw new Error(`${what}: "${part}" is not tier:value`);
    const [, name = '', value = ''] = match;
    if (!(TIERS as readonly string[]).includes(name)) throw new Error(`${what}: unknown tier "${name}"`);
    if (pairs.has(name as Tier)) throw new Error(`${what}: tier "${name}" given twice`);
    pairs.set(name as Tier, value);
  }
  return pairs;
}

/**
 * `silver:1000,gold:10000,platinum:50000` in whole currency units (decimals allowed up to 6 places)
 * → thresholds in micro-units. All three tiers above bronze are required and must increase.
 */
export function parseTierThresholds(text: string): TierPolicy['thresholds'] {
  const pairs = parsePairs(text, 'tier thresholds');
  if (pairs.has('bronze')) throw new Error('tier thresholds: bronze has no threshold (it is where every reseller starts)');
  const result = {} as TierPolicy['thresholds'];
  let previous = 0n;
  for (const tier of ['silver', 'gold', 'platinum'] as const) {
    const raw = pairs.get(tier);
    if (raw === undefined) throw new Error(`tier thresholds: ${tier} is missing`);
    if (!/^(0|[1-9][0-9]*)(\.[0-9]{1,6})?$/.test(raw)) throw new Error(`tier thresholds: ${tier} must be an amount like 1000 or 1000.50`);
    const [whole = '0', fraction = ''] = raw.split('.');
    const micros = BigInt(whole) * MICROS_PER_UNIT + BigInt(fraction.padEnd(6, '0'));
    if (micros <= previous) throw new Error(`tier thresholds: ${tier} must be greater than the tier below it`);
    result[tier] = micros;
    previous = micros;
  }
  return result;
}

/** `silver:100,gold:250,platinum:500`: bonus basis points per tier; a tier left out gets 0. */
export function parseTierBonusBps(text: string): TierPolicy['bonusBps'] {
  const pairs = parsePairs(text, 'tier bonus');
  const result = { bronze: 0, silver: 0, gold: 0, platinum: 0 } satisfies TierPolicy['bonusBps'];
  for (const [tier, raw] of pairs) {
    if (!/^\d{1,4}$/.test(raw) || Number(raw) > 5000) throw new Error(`tier bonus: ${tier} must be 0–5000 basis points`);
    result[tier] = Number(raw);
  }
  return result;
}

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
