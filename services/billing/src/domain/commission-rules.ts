// Commission arithmetic as pure functions (issue 16 item 1; DESIGN.md §5: integers, no floating
// point). The rounding rule: each commission is rounded to the micro-unit on its own, half down —
// an exact half goes to the customer's side (down), anything above it up. A clawback is the same
// share of the commission as the refunds are of the charge, computed on the refunds' running total
// and rounded the same way, so the clawbacks of one charge never add up to more than its commission
// and a full refund takes back exactly all of it.
import type { RESELLER_TIERS } from '@runfleet/contracts';

export type Tier = (typeof RESELLER_TIERS)[number];

const BPS = 10_000n;

/** numerator / denominator (both ≥ 0, denominator > 0) rounded half down. */
export function divideHalfDown(numerator: bigint, denominator: bigint): bigint {
  if (numerator < 0n || denominator <= 0n) throw new RangeError('divideHalfDown takes a non-negative numerator and a positive denominator');
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  return 2n * remainder > denominator ? quotient + 1n : quotient;
}

/** The commission on `base` at the reseller's rate plus its tier's bonus, in basis points. */
export function commissionOn(base: bigint, rateBps: number, tierBonusBps: number): bigint {
  return divideHalfDown(base * BigInt(rateBps + tierBonusBps), BPS);
}

/**
 * How much of `commission` is clawed back in all once `refunded` of a `charged` sale is refunded
 * (a positive amount, never more than the commission).
 */
export function clawedBackAfter(commission: bigint, refunded: bigint, charged: bigint): bigint {
  if (charged <= 0n) return 0n;
  const share = refunded >= charged ? charged : refunded;
  return divideHalfDown(commission * share, charged);
}

/** The highest tier whose threshold `sales` reach, the tier above it and what it still takes. */
export function nextTierOf(
  tier: Tier,
  sales: bigint,
  thresholds: Record<Exclude<Tier, 'bronze'>, bigint>,
): { tier: Exclude<Tier, 'bronze'>; threshold: bigint; remaining: bigint } | null {
  const order: Tier[] = ['bronze', 'silver', 'gold', 'platinum'];
  const above = order[order.indexOf(tier) + 1] as Exclude<Tier, 'bronze'> | undefined;
  if (!above) return null;
  const threshold = thresholds[above];
  return { tier: above, threshold, remaining: threshold > sales ? threshold - sales : 0n };
}
