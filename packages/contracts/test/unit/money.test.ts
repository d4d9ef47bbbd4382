import {
  applyBasisPoints,
  currencySchema,
  divideRounded,
  formatMoney,
  moneySchema,
  moneyStringSchema,
  MoneyFormatError,
  nonNegativeMoneyStringSchema,
  parseMoney,
  positiveMoneyStringSchema,
} from '@runfleet/contracts';

describe('parseMoney', () => {
  it.each([
    ['12', 12_000_000n],
    ['12.5', 12_500_000n],
    ['12.500000', 12_500_000n],
    ['-0.000001', -1n],
    ['0', 0n],
    ['0.1', 100_000n],
    ['9223372036854.775807', 9_223_372_036_854_775_807n],
    ['-9223372036854.775808', -9_223_372_036_854_775_808n],
  ])('reads %j as exactly %s micro-units', (input, expected) => {
    expect(parseMoney(input)).toBe(expected);
  });

  it.each([
    '1e3',
    '0.0000001',
    '--1',
    '',
    ' 1',
    '1 ',
    '1.',
    '.5',
    '+1',
    '0x10',
    'NaN',
    'Infinity',
    '-Infinity',
    '01',
    '1,5',
    '9223372036854.775808',
  ])('rejects %j with a MoneyFormatError', (input) => {
    expect(() => parseMoney(input)).toThrow(MoneyFormatError);
  });

  it.each([12, 12n, null, undefined, {}, ['1']])('rejects the non-string %p', (input) => {
    expect(() => parseMoney(input)).toThrow(MoneyFormatError);
  });

  it('names the field and the bad value in the error, for a 400 body', () => {
    const error = (() => {
      try {
        parseMoney('1e3', 'maxCost');
      } catch (e) {
        return e as MoneyFormatError;
      }
      throw new Error('parseMoney accepted 1e3');
    })();
    expect(error.code).toBe('MONEY_INVALID_FORMAT');
    expect(error.status).toBe(400);
    expect(error.errors).toEqual([{ field: 'maxCost', message: expect.stringContaining('"1e3"') }]);
  });
});

describe('formatMoney', () => {
  it.each([
    [12_500_000n, '12.500000'],
    [-1n, '-0.000001'],
    [0n, '0.000000'],
    [-12_000_000n, '-12.000000'],
    [9_223_372_036_854_775_807n, '9223372036854.775807'],
  ])('writes %s micro-units as %j', (micros, expected) => {
    expect(formatMoney(micros)).toBe(expected);
  });

  it('refuses a number, so floating point never reaches money', () => {
    expect(() => formatMoney(1.5 as unknown as bigint)).toThrow(TypeError);
  });

  it.each(['0', '12.5', '-3.14', '1000000.000001', '-0.000001'])('round-trips %j through micro-units', (input) => {
    const micros = parseMoney(input);
    expect(parseMoney(formatMoney(micros))).toBe(micros);
  });
});

describe('money schemas', () => {
  it('accepts a decimal amount with its currency', () => {
    expect(moneySchema.parse({ amount: '12.50', currency: 'EUR' })).toEqual({ amount: '12.50', currency: 'EUR' });
  });

  it.each(['eur', 'EURO', 'E1R', ''])('rejects the currency %j', (currency) => {
    expect(currencySchema.safeParse(currency).success).toBe(false);
  });

  it('rejects an amount given as a number', () => {
    expect(moneySchema.safeParse({ amount: 12.5, currency: 'EUR' }).success).toBe(false);
  });

  it('rejects an unknown field next to amount and currency', () => {
    expect(moneySchema.safeParse({ amount: '1', currency: 'EUR', fx: '1.1' }).success).toBe(false);
  });

  it.each(['1e3', '0.0000001', '+1', '99999999999999'])('moneyStringSchema rejects %j', (value) => {
    expect(moneyStringSchema.safeParse(value).success).toBe(false);
  });

  it('lets only the signed schema carry negative balances', () => {
    expect(moneyStringSchema.safeParse('-5').success).toBe(true);
    expect(nonNegativeMoneyStringSchema.safeParse('-5').success).toBe(false);
    expect(nonNegativeMoneyStringSchema.safeParse('0').success).toBe(true);
  });

  it.each(['0', '0.0', '0.000000', '-1'])('positive amounts reject %j', (value) => {
    expect(positiveMoneyStringSchema.safeParse(value).success).toBe(false);
  });

  it.each(['0.000001', '10', '10.000000'])('positive amounts accept %j', (value) => {
    expect(positiveMoneyStringSchema.safeParse(value).success).toBe(true);
  });
});

describe('applyBasisPoints', () => {
  it('takes 12.5 % of 100 units exactly', () => {
    expect(applyBasisPoints(100_000_000n, 1250, 'half-up')).toBe(12_500_000n);
  });

  // 15 micro-units × 5000 bps = 7.5 micro-units: the three modes disagree, as documented.
  it.each([
    [15n, 'half-up', 8n],
    [15n, 'floor', 7n],
    [15n, 'ceil', 8n],
    [-15n, 'half-up', -8n],
    [-15n, 'floor', -8n],
    [-15n, 'ceil', -7n],
    [14n, 'half-up', 7n],
  ] as const)('%s × 50 %% rounded %s is %s', (amount, mode, expected) => {
    expect(applyBasisPoints(amount, 5000, mode)).toBe(expected);
  });

  it('rounds below a half down and at or above a half up in half-up mode', () => {
    // 1 micro × 4999 bps = 0.4999 -> 0; × 5001 bps = 0.5001 -> 1
    expect(applyBasisPoints(1n, 4999, 'half-up')).toBe(0n);
    expect(applyBasisPoints(1n, 5001, 'half-up')).toBe(1n);
  });

  it('accepts bps as a bigint', () => {
    expect(applyBasisPoints(1_000_000n, 250n, 'floor')).toBe(25_000n);
  });

  it.each([12.5, Number.NaN, Infinity])('rejects the fractional or non-finite bps %p', (bps) => {
    expect(() => applyBasisPoints(1_000_000n, bps, 'floor')).toThrow(RangeError);
  });
});

describe('divideRounded', () => {
  it('rounds a negative divisor by the sign of the true quotient', () => {
    expect(divideRounded(7n, -2n, 'floor')).toBe(-4n);
    expect(divideRounded(7n, -2n, 'ceil')).toBe(-3n);
    expect(divideRounded(7n, -2n, 'half-up')).toBe(-4n);
  });

  it('returns exact quotients untouched in every mode', () => {
    for (const mode of ['half-up', 'floor', 'ceil'] as const) expect(divideRounded(-12n, 4n, mode)).toBe(-3n);
  });

  it('refuses to divide by zero', () => {
    expect(() => divideRounded(1n, 0n, 'floor')).toThrow(RangeError);
  });
});
