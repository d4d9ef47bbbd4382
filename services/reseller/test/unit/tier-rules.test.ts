import { nextTier, parseTierBonusBps, parseTierThresholds, tierForSales, tierPolicy, windowStart } from '../../src/domain/tier-rules';

const units = (n: number) => BigInt(n) * 1_000_000n;

describe('tier rules', () => {
  const policy = tierPolicy('silver:1000,gold:10000,platinum:50000', 'silver:100,gold:250,platinum:500', 90);

  it('put a reseller in the highest tier whose threshold its sales reach, a threshold reached exactly included', () => {
    expect(tierForSales(0n, policy)).toBe('bronze');
    expect(tierForSales(units(1000) - 1n, policy)).toBe('bronze');
    expect(tierForSales(units(1000), policy)).toBe('silver');
    expect(tierForSales(units(9999), policy)).toBe('silver');
    expect(tierForSales(units(10000), policy)).toBe('gold');
    expect(tierForSales(units(1_000_000), policy)).toBe('platinum');
  });

  it('tell how much is missing to the next tier, and that there is none above platinum', () => {
    expect(nextTier('silver', units(2500), policy)).toEqual({ tier: 'gold', thresholdMicros: units(10000), remainingMicros: units(7500) });
    expect(nextTier('bronze', 0n, policy)).toEqual({ tier: 'silver', thresholdMicros: units(1000), remainingMicros: units(1000) });
    expect(nextTier('platinum', units(60000), policy)).toBeNull();
  });

  it('read thresholds in currency units with up to 6 decimals', () => {
    expect(parseTierThresholds('silver:0.5, gold:10.000001 ,platinum:50000')).toEqual({
      silver: 500_000n,
      gold: 10_000_001n,
      platinum: units(50000),
    });
  });

  it.each([
    ['silver:1000,gold:10000', 'platinum is missing'],
    ['silver:1000,gold:1000,platinum:5000', 'gold must be greater'],
    ['silver:1000,gold:10000,platinum:50000,diamond:1', 'unknown tier "diamond"'],
    ['bronze:0,silver:1000,gold:10000,platinum:50000', 'bronze has no threshold'],
    ['silver:1e3,gold:10000,platinum:50000', 'silver must be an amount'],
    ['silver=1000', 'is not tier:value'],
  ])('refuse thresholds %j naming the problem (%s)', (text, problem) => {
    expect(() => parseTierThresholds(text)).toThrow(problem);
  });

  it('give tiers left out of the bonus list no bonus, and refuse a bonus above 50 %', () => {
    expect(parseTierBonusBps('gold:250')).toEqual({ bronze: 0, silver: 0, gold: 250, platinum: 0 });
    expect(() => parseTierBonusBps('gold:5001')).toThrow('gold must be 0–5000');
  });

  it('start the trailing window the configured number of days before now', () => {
    expect(windowStart(new Date('2026-11-22T00:00:00.000Z'), policy).toISOString()).toBe('2026-08-24T00:00:00.000Z');
  });
});
