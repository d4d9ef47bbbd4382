// What a finished job costs (issue 15 item 4; DESIGN.md §5): usage × unit price in exact integer
// micro-units, rounded half-up to the micro-unit once, and never more than the hold (the job's
// maximum cost). No floating point touches the amount.
import { divideRounded, MICROS_PER_UNIT } from '@runfleet/contracts';

export interface JobCost {
  /** usage × unit price before the cap */
  gross: bigint;
  /** what is charged: gross, capped at the maximum cost */
  charged: bigint;
  capped: boolean;
}

/**
 * `usageMicros`: units used in micro-units of the price's unit (usage.units "93.5" → 93_500_000);
 * `unitPrice`: micro-units of money per whole unit.
 */
export function jobCost(usageMicros: bigint, unitPrice: bigint, maxCost: bigint): JobCost {
  const gross = divideRounded(usageMicros * unitPrice, MICROS_PER_UNIT, 'half-up');
  return gross > maxCost ? { gross, charged: maxCost, capped: true } : { gross, charged: gross, capped: false };
}
