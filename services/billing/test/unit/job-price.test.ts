// A job's cost in exact integers (issue 15 item 4): usage × unit price rounded half-up to the
// micro-unit, capped at the maximum cost.
import { jobCost } from '../../src/domain/job-price';

describe('jobCost', () => {
  it('prices 93.5 s at 0.02 as exactly 1.87', () => {
    expect(jobCost(93_500_000n, 20_000n, 5_000_000n)).toEqual({ gross: 1_870_000n, charged: 1_870_000n, capped: false });
  });

  it('rounds a fraction of a micro-unit half-up', () => {
    // 0.000001 units × 0.5 = 0.0000005 → 0.000001; × 0.4 → 0
    expect(jobCost(1n, 500_000n, 10n).charged).toBe(1n);
    expect(jobCost(1n, 400_000n, 10n).charged).toBe(0n);
  });

  it('never charges more than the maximum cost', () => {
    expect(jobCost(1_000_000_000n, 20_000n, 2_000_000n)).toEqual({ gross: 20_000_000n, charged: 2_000_000n, capped: true });
  });

  it('stays exact far beyond what a float can hold', () => {
    const units = 9_007_199_254_740_993n; // 2^53 + 1 micro-units
    expect(jobCost(units, 1_000_000n, units).charged).toBe(units);
  });
});
