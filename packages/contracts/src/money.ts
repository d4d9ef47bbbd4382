// Money as exact integers: micro-units held as BigInt in code, decimal strings on the wire (DESIGN.md §5).
// Hand-written rather than taken from a decimal library because the whole rule set is "fixed six
// decimals, integer arithmetic, explicit rounding", which BigInt does exactly and without a dependency.
import { z } from 'zod';
import { ContractError } from './contract-error';

/** 1 currency unit = 1,000,000 micro-units. */
export const MICROS_PER_UNIT = 1_000_000n;
export const MONEY_DECIMALS = 6;

// Amounts are stored in PostgreSQL BIGINT columns, so anything outside int64 could not be persisted.
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Optional minus, no leading zeros, 1–6 decimals when a point is present. No `+`, exponents or spaces. */
export const MONEY_PATTERN = /^-?(0|[1-9][0-9]*)(\.[0-9]{1,6})?$/;
export const NON_NEGATIVE_MONEY_PATTERN = /^(0|[1-9][0-9]*)(\.[0-9]{1,6})?$/;
/** Non-negative and not zero in any spelling ("0", "0.0", "0.000000"). */
export const POSITIVE_MONEY_PATTERN = /^(?!0(\.0{1,6})?$)(0|[1-9][0-9]*)(\.[0-9]{1,6})?$/;
const MONEY_FORMAT_HINT = 'a decimal string with at most 6 decimals, e.g. "12.5" or "-0.000001"';

export class MoneyFormatError extends ContractError {
  readonly code = 'MONEY_INVALID_FORMAT';

  constructor(message: string, field = 'amount') {
    super(message, [{ field, message }]);
  }
}

/**
 * Parses a decimal string into micro-units, exactly.
 * Accepts `"12"`, `"12.5"`, `"12.500000"`, `"-0.000001"`; rejects anything else (exponents, `+`,
 * spaces, hex, more than 6 decimals, values outside int64 micro-units) with a MoneyFormatError.
 * `field` names the input in the error, so the HTTP layer can point at it.
 */
export function parseMoney(value: unknown, field = 'amount'): bigint {
  if (typeof value !== 'string') {
    throw new MoneyFormatError(`${field} must be ${MONEY_FORMAT_HINT}, got ${typeof value}`, field);
  }
  if (!MONEY_PATTERN.test(value)) {
    throw new MoneyFormatError(`${field} must be ${MONEY_FORMAT_HINT}, got ${JSON.stringify(value)}`, field);
  }
  const micros = wellFormedToMicros(value);
  if (micros < INT64_MIN || micros > INT64_MAX) {
    throw new MoneyFormatError(`${field} is out of range: ${JSON.stringify(value)}`, field);
  }
  return micros;
}

/** `value` must already match MONEY_PATTERN. */
function wellFormedToMicros(value: string): bigint {
  const negative = value.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? value.slice(1) : value).split('.');
  const magnitude = BigInt(whole) * MICROS_PER_UNIT + BigInt(fraction.padEnd(MONEY_DECIMALS, '0'));
  return negative ? -magnitude : magnitude;
}

/** Formats micro-units as a decimal string with always 6 decimals: 12_500_000n -> "12.500000". */
export function formatMoney(micros: bigint): string {
  if (typeof micros !== 'bigint') {
    throw new TypeError(`formatMoney expects a bigint, got ${typeof micros}`);
  }
  const negative = micros < 0n;
  const magnitude = negative ? -micros : micros;
  const whole = magnitude / MICROS_PER_UNIT;
  const fraction = (magnitude % MICROS_PER_UNIT).toString().padStart(MONEY_DECIMALS, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

// Only judges range: a malformed string already failed the pattern check, and zod runs every check,
// so reporting it again here would duplicate the error.
function isInRange(value: string): boolean {
  if (!MONEY_PATTERN.test(value)) return true;
  const micros = wellFormedToMicros(value);
  return micros >= INT64_MIN && micros <= INT64_MAX;
}

/** Any amount, possibly negative (balances of credit accounts go below zero). */
export const moneyStringSchema = z
  .string()
  .regex(MONEY_PATTERN, `must be ${MONEY_FORMAT_HINT}`)
  .refine(isInRange, 'is out of range');

/** Zero or more: usage, prices, charges. */
export const nonNegativeMoneyStringSchema = z
  .string()
  .regex(NON_NEGATIVE_MONEY_PATTERN, 'must be a non-negative decimal string with at most 6 decimals, e.g. "12.5"')
  .refine(isInRange, 'is out of range');

/** Strictly more than zero: holds, top-ups, payouts. */
export const positiveMoneyStringSchema = z
  .string()
  .regex(POSITIVE_MONEY_PATTERN, 'must be a decimal string greater than zero with at most 6 decimals, e.g. "12.5"')
  .refine(isInRange, 'is out of range');

/** ISO 4217 alphabetic code. */
export const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code of 3 upper-case letters, e.g. "EUR"');

export const moneySchema = z
  .object({
    amount: moneyStringSchema,
    currency: currencySchema,
  })
  .strict();
export type Money = z.infer<typeof moneySchema>;

/**
 * How a division that does not come out even is rounded:
 * - `half-up`: to the nearest micro-unit, exact halves away from zero (2.5 -> 3, -2.5 -> -3);
 * - `floor`: toward negative infinity (2.9 -> 2, -2.1 -> -3);
 * - `ceil`: toward positive infinity (2.1 -> 3, -2.9 -> -2).
 */
export type RoundingMode = 'half-up' | 'floor' | 'ceil';
export const ROUNDING_MODES: readonly RoundingMode[] = ['half-up', 'floor', 'ceil'];

/** numerator / denominator as an integer, rounded as `rounding` says. */
export function divideRounded(numerator: bigint, denominator: bigint, rounding: RoundingMode): bigint {
  if (denominator === 0n) throw new RangeError('divideRounded: division by zero');
  const quotient = numerator / denominator; // BigInt division truncates toward zero
  const remainder = numerator % denominator; // carries the sign of the numerator
  if (remainder === 0n) return quotient;
  const exactIsPositive = numerator < 0n === denominator < 0n;
  switch (rounding) {
    case 'floor':
      return exactIsPositive ? quotient : quotient - 1n;
    case 'ceil':
      return exactIsPositive ? quotient + 1n : quotient;
    case 'half-up': {
      const twiceRemainder = 2n * (remainder < 0n ? -remainder : remainder);
      const absDenominator = denominator < 0n ? -denominator : denominator;
      if (twiceRemainder < absDenominator) return quotient;
      return exactIsPositive ? quotient + 1n : quotient - 1n;
    }
    default: {
      const unknown: never = rounding;
      throw new RangeError(`divideRounded: unknown rounding mode ${String(unknown)}`);
    }
  }
}

/**
 * `amount × bps / 10,000` (1 bp = 0.01 %), e.g. a 12.5 % commission is 1250 bps.
 * The result is in the same micro-units as `amount`, rounded as `rounding` says: commissions
 * typically use `floor` so a reseller is never paid a micro-unit that was not earned.
 */
export function applyBasisPoints(amount: bigint, bps: bigint | number, rounding: RoundingMode): bigint {
  if (typeof bps === 'number' && !Number.isSafeInteger(bps)) {
    throw new RangeError(`applyBasisPoints: bps must be an integer, got ${bps}`);
  }
  return divideRounded(amount * BigInt(bps), 10_000n, rounding);
}
