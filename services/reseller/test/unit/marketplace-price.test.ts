import { orderPrice, unitPrice } from '../../src/domain/marketplace-price';

describe('marketplace price', () => {
  it('adds the commission on the base price: 100.00 at 12.5 % costs 112.50', () => {
    expect(unitPrice(100_000_000n, 1250)).toEqual({ baseMicros: 100_000_000n, commissionMicros: 12_500_000n, priceMicros: 112_500_000n });
  });

  it('rounds an exact half micro-unit of commission up: 0.000005 at 10 % costs 0.000006', () => {
    expect(unitPrice(5n, 1000)).toEqual({ baseMicros: 5n, commissionMicros: 1n, priceMicros: 6n });
  });

  it('rounds less than half a micro-unit of commission down: 0.000004 at 10 % costs 0.000004', () => {
    expect(unitPrice(4n, 1000)).toEqual({ baseMicros: 4n, commissionMicros: 0n, priceMicros: 4n });
  });

  it('charges a direct customer (no commission) the base price', () => {
    expect(unitPrice(99_990_000n, 0).priceMicros).toBe(99_990_000n);
  });

  it('prices an order of several units at exactly that many marketplace prices, rounding per unit', () => {
    // 0.000005 at 10 %: 0.000006 a unit; rounding the 3-unit commission as a whole would give 0.000002 instead of 0.000003
    expect(orderPrice(5n, 1000, 3)).toEqual({ baseMicros: 15n, commissionMicros: 3n, totalMicros: 18n });
  });
});
