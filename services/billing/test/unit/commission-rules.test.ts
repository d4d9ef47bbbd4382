import { clawedBackAfter, commissionOn, divideHalfDown, nextTierOf } from '../../src/domain/commission-rules';

describe('commission rounding: half down to the micro-unit, per commission', () => {
  it('rounds an exact half down and anything above it up', () => {
    expect(divideHalfDown(15n, 10n)).toBe(1n); // 1.5 → 1
    expect(divideHalfDown(16n, 10n)).toBe(2n); // 1.6 → 2
    expect(divideHalfDown(14n, 10n)).toBe(1n);
    expect(divideHalfDown(0n, 10n)).toBe(0n);
    // 12 % + 2 % of 0.000025 = 0.0000035 → 0.000003
    expect(commissionOn(25n, 1200, 200)).toBe(3n);
    // of 0.000036 = 0.00000504 → 0.000005
    expect(commissionOn(36n, 1200, 200)).toBe(5n);
    // of 0.000039 = 0.00000546 → 0.000005; of 0.000040 = 0.0000056 → 0.000006
    expect(commissionOn(39n, 1200, 200)).toBe(5n);
    expect(commissionOn(40n, 1200, 200)).toBe(6n);
  });

  it('a commission is the sale × (rate + bonus) ÷ 10,000 with no floating point, even past 2^53', () => {
    expect(commissionOn(120_000_000n, 1200, 200)).toBe(16_800_000n);
    const huge = 9_000_000_000_000_000_001n;
    expect(commissionOn(huge, 1400, 0)).toBe((huge * 1400n) / 10_000n);
  });

  it('clawbacks follow the refunded share and a full refund takes back exactly the commission', () => {
    expect(clawedBackAfter(1_400_000n, 5_000_000n, 10_000_000n)).toBe(700_000n);
    // three refunds of a third: the running total never exceeds the commission and ends at it
    const commission = commissionOn(10_000_001n, 1200, 200);
    const afterThirds = [3_333_333n, 6_666_666n, 10_000_001n].map((r) => clawedBackAfter(commission, r, 10_000_001n));
    expect(afterThirds[2]).toBe(commission);
    expect(afterThirds[0]! <= afterThirds[1]! && afterThirds[1]! <= afterThirds[2]!).toBe(true);
    expect(clawedBackAfter(commission, 20_000_000n, 10_000_001n)).toBe(commission);
  });

  it('the next tier and what it still takes', () => {
    const thresholds = { silver: 1_000n, gold: 10_000n, platinum: 50_000n };
    expect(nextTierOf('silver', 4_200n, thresholds)).toEqual({ tier: 'gold', threshold: 10_000n, remaining: 5_800n });
    expect(nextTierOf('gold', 12_000n, thresholds)).toEqual({ tier: 'platinum', threshold: 50_000n, remaining: 38_000n });
    expect(nextTierOf('platinum', 0n, thresholds)).toBeNull();
  });
});
