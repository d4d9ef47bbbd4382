import { idempotencyKeyFrom, idempotencyScope, requestFingerprint } from '@runfleet/idempotency';

describe('requestFingerprint', () => {
  it('is the same for the same input whatever the order of its fields, and differs for another input or operation', () => {
    const a = requestFingerprint('POST /v1/orders', { offeringId: 'o-1', quantity: 2, extra: { b: 1, a: [1, 2] } });
    const b = requestFingerprint('POST /v1/orders', { extra: { a: [1, 2], b: 1 }, quantity: 2, offeringId: 'o-1' });
    expect(a).toBe(b);
    expect(requestFingerprint('POST /v1/orders', { offeringId: 'o-1', quantity: 3, extra: { b: 1, a: [1, 2] } })).not.toBe(a);
    expect(requestFingerprint('POST /v1/payouts', { offeringId: 'o-1', quantity: 2, extra: { b: 1, a: [1, 2] } })).not.toBe(a);
  });
});

describe('idempotencyScope', () => {
  it('scopes a key to the principal’s role and account', () => {
    expect(idempotencyScope({ type: 'customer', id: 'c-1' })).toBe('customer:c-1');
    expect(idempotencyScope({ type: 'reseller', id: 'c-1' })).not.toBe(idempotencyScope({ type: 'customer', id: 'c-1' }));
  });
});

describe('idempotencyKeyFrom', () => {
  it('returns the key, refuses a missing required key and a malformed one with 400 naming the header', () => {
    expect(idempotencyKeyFrom({ 'idempotency-key': 'k-1' }, { required: true })).toBe('k-1');
    expect(idempotencyKeyFrom({}, { required: false })).toBeUndefined();
    expect(() => idempotencyKeyFrom({}, { required: true })).toThrow(expect.objectContaining({ status: 400, code: 'IDEMPOTENCY_KEY_MISSING' }));
    expect(() => idempotencyKeyFrom({ 'idempotency-key': 'has space' }, { required: true })).toThrow(
      expect.objectContaining({ status: 400, code: 'IDEMPOTENCY_KEY_INVALID' }),
    );
  });
});
