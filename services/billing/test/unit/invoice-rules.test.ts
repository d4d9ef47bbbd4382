// The pure invoice rules (issue 16 item 2): number format, billing periods, due dates, statement
// lines and totals, commission lines — integers in micro-units throughout.
import { commissionLines, commissionPeriod, dueDateOf, invoiceNumber, previousMonth, rateText, statementLines, totalsOf } from '../../src/domain/invoice-rules';

const UNIT = 1_000_000n;

describe('invoice numbers', () => {
  it('are the series, the year and the sequence padded to six digits', () => {
    expect(invoiceNumber('RF', 2026, 123)).toBe('RF-2026-000123');
    expect(invoiceNumber('RFC', 2027, 1)).toBe('RFC-2027-000001');
    expect(invoiceNumber('RF', 2026, 1_234_567)).toBe('RF-2026-1234567');
  });
});

describe('periods and due dates', () => {
  it('bill the calendar month before, in UTC, across a year end and a leap February', () => {
    expect(previousMonth(new Date('2027-01-01T00:30:00Z'))).toEqual({
      start: new Date('2026-12-01T00:00:00Z'),
      end: new Date('2026-12-31T00:00:00Z'),
      endExclusive: new Date('2027-01-01T00:00:00Z'),
    });
    expect(previousMonth(new Date('2028-03-15T12:00:00Z')).end).toEqual(new Date('2028-02-29T00:00:00Z'));
  });

  it('fall due the given number of calendar days after issue', () => {
    expect(dueDateOf(new Date('2026-12-20T23:59:00Z'), 14)).toEqual(new Date('2027-01-03T00:00:00Z'));
  });
});

describe('a usage statement', () => {
  it('lists job usage, then orders, refunds and credits; the total leaves credits out', () => {
    const at = new Date();
    const lines = statementLines(
      [{ jobType: 'render', unit: 'second', unitPrice: 10_000n, jobs: 3, units: 350_500_000n, amount: 3_505_000n }],
      [
        { type: 'credit', amount: 100n * UNIT, referenceKind: 'topup', referenceId: 't1', createdAt: at },
        { type: 'charge', amount: -12_500_000n, referenceKind: 'order', referenceId: 'o1', createdAt: at },
        { type: 'refund', amount: 2_500_000n, referenceKind: 'order', referenceId: 'o1', createdAt: at },
      ],
    );
    expect(lines.map((l) => [l.kind, l.amount, l.description])).toEqual([
      ['job', 3_505_000n, 'render: 3 jobs, 350.5 second at 0.010000 per second'],
      ['order', 12_500_000n, 'Order o1'],
      ['refund', -2_500_000n, 'Refund of order o1'],
      ['credit', 100n * UNIT, 'Top-up'],
    ]);
    expect(totalsOf(lines)).toEqual({ total: 13_505_000n, creditsTotal: 100n * UNIT });
  });
});

describe('a commission invoice', () => {
  const commission = (id: string, createdAt: string, amount: bigint) => ({
    id,
    customerId: 'c1',
    source: 'charge',
    baseAmount: amount * 10n,
    rate: '1400',
    amount,
    currency: 'EUR',
    approvedAt: null,
    createdAt: new Date(createdAt),
  });

  it('has one line per commission with its customer, month, base and rate, and covers the months earned', () => {
    const commissions = [commission('a', '2026-10-31T23:00:00Z', UNIT), commission('b', '2026-12-05T00:00:00Z', 1n)];
    const lines = commissionLines(commissions);
    expect(lines.map((l) => [l.commissionId, l.month, l.amount])).toEqual([
      ['a', new Date('2026-10-01T00:00:00Z'), UNIT],
      ['b', new Date('2026-12-01T00:00:00Z'), 1n],
    ]);
    expect(lines[0]!.description).toBe('Commission on a charge (2026-10): 14.00 % of 10.000000');
    expect(totalsOf(lines)).toEqual({ total: UNIT + 1n, creditsTotal: 0n });
    expect(commissionPeriod(commissions)).toEqual({ start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-12-31T00:00:00Z') });
  });

  it('shows basis points as a percentage, and any other stored rate as it is', () => {
    expect(rateText('1250')).toBe('12.50 %');
    expect(rateText('5')).toBe('0.05 %');
    expect(rateText('0.12')).toBe('0.12');
  });
});
