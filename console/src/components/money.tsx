// Money as the API sends it: a decimal string and a currency. Never parsed into a float — the
// string is only trimmed of trailing zeros beyond two decimals ("112.500000" → "112.50").
import type { MoneyValue } from '../api/types';

export function formatAmount(amount: string): string {
  const match = /^(-?\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) return amount;
  const whole = match[1] ?? '0';
  let fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length < 2) fraction = fraction.padEnd(2, '0');
  return `${whole}.${fraction}`;
}

export function Money({ amount, currency }: MoneyValue) {
  return (
    <span className="money" data-amount={amount}>
      {formatAmount(amount)} {currency}
    </span>
  );
}
