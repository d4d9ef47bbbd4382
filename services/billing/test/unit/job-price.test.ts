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

  it('prices a job that crosses a tier boundary part at each price, exactly', () => {
    // base 0.02 per unit; from 100 units in the month 0.01; from 150 units 0.005
    const tiers = [
      { fromUnits: 100_000_000n, unitPrice: 10_000n },
      { fromUnits: 150_000_000n, unitPrice: 5_000n },
    ];
    // 90 used before; this job 70.5: 10 × 0.02 + 50 × 0.01 + 10.5 × 0.005 = 0.2 + 0.5 + 0.0525
    expect(jobCost(70_500_000n, 20_000n, 10_000_000n, tiers, 90_000_000n)).toEqual({ gross: 752_500n, charged: 752_500n, capped: false });
    // entirely past the last tier
    expect(jobCost(1_000_000n, 20_000n, 10_000_000n, tiers, 200_000_000n).gross).toBe(5_000n);
    // no tiers: the base price throughout
    expect(jobCost(1_000_000n, 20_000n, 10_000_000n, [], 500_000_000n).gross).toBe(20_000n);
  });
});
