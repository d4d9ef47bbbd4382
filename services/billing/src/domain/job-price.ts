// What a finished job costs (issue 15 item 4; DESIGN.md §5): its usage priced with graduated
// volume tiers — the units past each tier's threshold (counted over the customer's calendar month,
// this job included) at that tier's price — summed exactly and rounded half-up to the micro-unit
// once, and never more than the hold (the job's maximum cost). No floating point touches it.
import { divideRounded, MICROS_PER_UNIT } from '@runfleet/contracts';

/** From `fromUnits` (micro-units of usage in the month) on, a unit costs `unitPrice`. */
export interface VolumeTier {
  fromUnits: bigint;
  unitPrice: bigint;
}

export interface JobCost {
  /** the tiered price of the usage before the cap */
  gross: bigint;
  /** what is charged: gross, capped at the maximum cost */
  charged: bigint;
  capped: boolean;
}

/**
 * `usedBefore`: the customer's usage of this job type earlier in the month; `usage`: this job's;
 * both in micro-units of the price's unit. `basePrice`: micro-units of money per whole unit below
 * the first tier. `tiers` ascending by fromUnits.
 */
export function jobCost(usage: bigint, basePrice: bigint, maxCost: bigint, tiers: readonly VolumeTier[] = [], usedBefore = 0n): JobCost {
  // (threshold, price) steps: the base price from 0, then each tier
  const steps = [{ fromUnits: 0n, unitPrice: basePrice }, ...tiers];
  const start = usedBefore;
  const end = usedBefore + usage;
  let numerator = 0n;
  steps.forEach((step, i) => {
    const next = steps[i + 1]?.fromUnits;
    const from = step.fromUnits > start ? step.fromUnits : start;
    const to = next !== undefined && next < end ? next : end;
    if (to > from) numerator += (to - from) * step.unitPrice;
  });
  const gross = divideRounded(numerator, MICROS_PER_UNIT, 'half-up');
  return gross > maxCost ? { gross, charged: maxCost, capped: true } : { gross, charged: gross, capped: false };
}
