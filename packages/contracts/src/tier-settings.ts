// Reseller tier settings, read by the reseller service (which decides tiers) and by billing (which
// pays each tier's commission bonus and shows progress to the next tier): the defaults and the
// parsers of the TIER_THRESHOLDS and TIER_BONUS_BPS settings (DESIGN.md §2, §10 "Resellers").
import { MICROS_PER_UNIT } from './money';
import { RESELLER_TIERS } from './events';

type Tier = (typeof RESELLER_TIERS)[number];
const TIERS: readonly Tier[] = RESELLER_TIERS;

/** trailing-sales threshold (micro-units) from which each tier above bronze applies; strictly increasing */
export type TierThresholds = Record<Exclude<Tier, 'bronze'>, bigint>;
/** commission bonus of each tier, basis points */
export type TierBonusBps = Record<Tier, number>;

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
export function parseTierThresholds(text: string): TierThresholds {
  const pairs = parsePairs(text, 'tier thresholds');
  if (pairs.has('bronze')) throw new Error('tier thresholds: bronze has no threshold (it is where every reseller starts)');
  const result = {} as TierThresholds;
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
export function parseTierBonusBps(text: string): TierBonusBps {
  const pairs = parsePairs(text, 'tier bonus');
  const result = { bronze: 0, silver: 0, gold: 0, platinum: 0 } satisfies TierBonusBps;
  for (const [tier, raw] of pairs) {
    if (!/^\d{1,4}$/.test(raw) || Number(raw) > 5000) throw new Error(`tier bonus: ${tier} must be 0–5000 basis points`);
    result[tier] = Number(raw);
  }
  return result;
}
