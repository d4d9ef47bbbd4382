// A problem found in the browser before sending (a JSON field that does not parse, a percentage out
// of range), shaped like the API's 400 so ApiForm shows it next to its field the same way.
import { ApiError } from '../api/client';

export function fieldProblem(field: string, message: string): ApiError {
  return new ApiError({ status: 400, code: 'CONSOLE_INVALID_INPUT', title: 'Please correct the marked field.', errors: [{ field: `body.${field}`, message }] });
}

/**
 * A percentage 0–`max` with at most two decimals as integer basis points (12.5 → 1250), or a problem
 * naming `field`: the API's name for the basis points, which the percentage <Field> shows (errorField).
 */
export function percentToBps(value: string | undefined, field: string, max = 50): number {
  const text = (value ?? '').trim().replace(',', '.');
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(text)) throw fieldProblem(field, `Enter a percentage from 0 to ${max}, at most two decimals.`);
  const [whole = '0', fraction = ''] = text.split('.');
  const bps = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  if (bps > max * 100) throw fieldProblem(field, `The commission is at most ${max} %.`);
  return bps;
}

/** Basis points as a percentage for display (1250 → "12.5 %"), without floating-point noise. */
export function bpsAsPercent(bps: number): string {
  const whole = Math.trunc(bps / 100);
  const fraction = String(bps % 100).padStart(2, '0').replace(/0+$/, '');
  return `${whole}${fraction ? `.${fraction}` : ''} %`;
}
