// The pure rules of invoices (DESIGN.md §2 billing "Invoice", §5; issue 16 item 2): numbering
// series and format, billing periods, due dates, and the lines and totals of a usage statement
// and of a commission invoice. No I/O; integers in micro-units only.
import { formatMoney } from '@runfleet/contracts';
import type { InvoicedCommission } from '../data/commission-invoice.repository';
import type { InvoiceKind, NewInvoiceLine } from '../data/invoice.repository';
import type { JobUsageGroup, StatementEntry } from '../data/statement-source.repository';

/** One numbering series per kind: customers' statements and resellers' commission invoices never share a number range. */
export const SERIES: Record<InvoiceKind, string> = { usage: 'RF', commission: 'RFC' };

/** `RF-2026-000123`: series, year of issue, the number within them (zero-padded to 6 digits; longer past 999,999). */
export function invoiceNumber(series: string, year: number, sequence: number): string {
  return `${series}-${year}-${String(sequence).padStart(6, '0')}`;
}

const DAY_MS = 86_400_000;

/** The first day of a UTC month. */
export function monthStart(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
}

export interface Period {
  /** first day covered (UTC midnight) */
  start: Date;
  /** last day covered */
  end: Date;
  /** the instant after the period: entries before it belong to it */
  endExclusive: Date;
}

/** The calendar month before the one `now` is in. */
export function previousMonth(now: Date): Period {
  const endExclusive = monthStart(now);
  const start = new Date(Date.UTC(endExclusive.getUTCFullYear(), endExclusive.getUTCMonth() - 1, 1));
  return { start, end: new Date(endExclusive.getTime() - DAY_MS), endExclusive };
}

/** The due date of an invoice issued at `issuedAt`: `dueDays` calendar days later (a UTC date). */
export function dueDateOf(issuedAt: Date, dueDays: number): Date {
  return new Date(Date.UTC(issuedAt.getUTCFullYear(), issuedAt.getUTCMonth(), issuedAt.getUTCDate() + dueDays));
}

export interface Totals {
  /** Σ of the lines that count: usage and orders less refunds, or the commissions */
  total: bigint;
  /** a statement's credits and top-ups received in the period (shown, not counted) */
  creditsTotal: bigint;
}

export function totalsOf(lines: readonly NewInvoiceLine[]): Totals {
  let total = 0n;
  let creditsTotal = 0n;
  for (const line of lines) {
    if (line.kind === 'credit') creditsTotal += line.amount;
    else total += line.amount;
  }
  return { total, creditsTotal };
}

const unitsText = (units: bigint): string => formatMoney(units).replace(/\.?0+$/, '');

/**
 * A usage statement's lines: one per job type, unit and unit price (jobs, units, price, Σ charged),
 * then the orders, the refunds (negative) and the credits, each kind in the order they were booked.
 */
export function statementLines(jobs: readonly JobUsageGroup[], entries: readonly StatementEntry[]): NewInvoiceLine[] {
  const jobLines: NewInvoiceLine[] = jobs.map((g) => ({
    kind: 'job',
    description: `${g.jobType}: ${g.jobs} job${g.jobs === 1 ? '' : 's'}, ${unitsText(g.units)} ${g.unit} at ${formatMoney(g.unitPrice)} per ${g.unit}`,
    jobType: g.jobType,
    unit: g.unit,
    units: g.units,
    unitPrice: g.unitPrice,
    quantity: g.jobs,
    amount: g.amount,
  }));
  const entryLines = entries.map((e): NewInvoiceLine => {
    const reference = { referenceKind: e.referenceKind, referenceId: e.referenceId };
    if (e.type === 'charge') return { kind: 'order', description: `Order ${e.referenceId ?? ''}`.trimEnd(), amount: -e.amount, ...reference };
    if (e.type === 'refund') {
      const of = e.referenceKind && e.referenceId ? `${e.referenceKind} ${e.referenceId}` : 'a charge';
      return { kind: 'refund', description: `Refund of ${of}`, amount: -e.amount, ...reference };
    }
    return { kind: 'credit', description: e.type === 'adjustment' ? 'Adjustment (credit)' : 'Top-up', amount: e.amount, ...reference };
  });
  const ofKind = (kind: NewInvoiceLine['kind']) => entryLines.filter((l) => l.kind === kind);
  return [...jobLines, ...ofKind('order'), ...ofKind('refund'), ...ofKind('credit')];
}

const monthText = (date: Date): string => date.toISOString().slice(0, 7);

/** Basis points as a percentage (`1400` → `14.00 %`); a rate stored otherwise is shown as it is. */
export function rateText(rate: string): string {
  if (!/^\d+$/.test(rate)) return rate;
  const bps = BigInt(rate);
  return `${bps / 100n}.${String(bps % 100n).padStart(2, '0')} %`;
}

/**
 * A commission invoice's lines: one per commission, in the order given (by customer, then month
 * earned), each naming its customer, month, source, base and rate.
 */
export function commissionLines(commissions: readonly InvoicedCommission[]): NewInvoiceLine[] {
  return commissions.map((c) => {
    const month = monthStart(c.createdAt);
    return {
      kind: 'commission',
      description: `Commission on ${c.source === 'order' ? 'an order' : 'a charge'} (${monthText(month)}): ${rateText(c.rate)} of ${formatMoney(c.baseAmount)}`,
      amount: c.amount,
      customerId: c.customerId,
      month,
      commissionId: c.id,
      baseAmount: c.baseAmount,
      rate: c.rate,
      referenceKind: 'commission',
      referenceId: c.id,
    };
  });
}

/** The period a commission invoice covers: the months its commissions were earned in. */
export function commissionPeriod(commissions: readonly InvoicedCommission[]): { start: Date; end: Date } {
  const times = commissions.map((c) => c.createdAt.getTime());
  const first = monthStart(new Date(Math.min(...times)));
  const lastMonth = monthStart(new Date(Math.max(...times)));
  const end = new Date(Date.UTC(lastMonth.getUTCFullYear(), lastMonth.getUTCMonth() + 1, 0));
  return { start: first, end };
}
