import { parseConfig } from '@runfleet/service-kit';
import { configSchema } from '../../src/config';
import { DEFAULT_EARNINGS_POLICY } from '../../src/domain/use-case-deps';

const base = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/runfleet_billing',
  AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
  PRINCIPAL_SECRET: 'test-principal-secret-of-at-least-32-chars',
};

describe("billing's commission and payout settings", () => {
  it('default to the earnings policy the app uses without a config (the reseller service’s tier defaults)', () => {
    const config = parseConfig(configSchema, base);
    expect({
      holdingDays: config.COMMISSION_HOLDING_DAYS,
      payoutMinimum: config.PAYOUT_MINIMUM,
      tierThresholds: config.TIER_THRESHOLDS,
      tierBonusBps: config.TIER_BONUS_BPS,
      tierWindowDays: config.TIER_WINDOW_DAYS,
    }).toEqual(DEFAULT_EARNINGS_POLICY);
  });

  it('read amounts exactly and refuse a bad value by name', () => {
    expect(parseConfig(configSchema, { ...base, PAYOUT_MINIMUM: '12.5', TIER_BONUS_BPS: 'gold:200' })).toMatchObject({
      PAYOUT_MINIMUM: 12_500_000n,
      TIER_BONUS_BPS: { bronze: 0, silver: 0, gold: 200, platinum: 0 },
    });
    expect(() => parseConfig(configSchema, { ...base, PAYOUT_MINIMUM: '1e3' })).toThrow(/PAYOUT_MINIMUM/);
    expect(() => parseConfig(configSchema, { ...base, TIER_THRESHOLDS: 'gold:10' })).toThrow(/TIER_THRESHOLDS/);
    expect(() => parseConfig(configSchema, { ...base, COMMISSION_HOLDING_DAYS: '0' })).toThrow(/COMMISSION_HOLDING_DAYS/);
  });
});
