// What a customer pays for an offering (DESIGN.md §2 "Marketplace", §5): the provider's base price
// plus the reseller's commission on it, in integer micro-units.
import { applyBasisPoints } from '@runfleet/contracts';

/**
 * The commission on one unit is `basePrice × commissionBps / 10,000` rounded half-up to the
 * micro-unit (an exact half rounds up: 0.000005 at 10 % is 0.0000005 → 0.000001). Half-up rather
 * than floor because this is a price shown to a customer, rounded the way people round; the
 * reseller's markup, not the customer's wallet, takes the difference of at most half a micro-unit.
 */
export const COMMISSION_ROUNDING = 'half-up' as const;

export interface UnitPrice {
  baseMicros: bigint;
  commissionMicros: bigint;
  /** base + commission */
  priceMicros: bigint;
}

export function unitPrice(baseMicros: bigint, commissionBps: number): UnitPrice {
  const commissionMicros = applyBasisPoints(baseMicros, commissionBps, COMMISSION_ROUNDING);
  return { baseMicros, commissionMicros, priceMicros: baseMicros + commissionMicros };
}

export interface OrderPrice {
  /** base price of the whole quantity */
  baseMicros: bigint;
  /** commission on the whole quantity */
  commissionMicros: bigint;
  /** base + commission = quantity × the marketplace unit price */
  totalMicros: bigint;
}

/**
 * An order of `quantity` units costs exactly `quantity` times the marketplace price the customer
 * saw: the commission is rounded per unit, then multiplied, so a larger quantity never changes
 * the per-unit price through rounding.
 */
export function orderPrice(baseMicros: bigint, commissionBps: number, quantity: number): OrderPrice {
  const unit = unitPrice(baseMicros, commissionBps);
  const q = BigInt(quantity);
  return { baseMicros: unit.baseMicros * q, commissionMicros: unit.commissionMicros * q, totalMicros: unit.priceMicros * q };
}
