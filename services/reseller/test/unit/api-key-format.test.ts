import { displayPrefix, generateApiKey, hashApiKey, keyMatchesHash, lookupIdOf } from '../../src/domain/api-key-format';

const PEPPER = 'unit-test-pepper-of-at-least-32-characters';

describe('API key format', () => {
  it('generates rf_sk_<12 base62>_<43 base62> keys whose lookup id and last 4 are read back', () => {
    const key = generateApiKey();

    expect(key.raw).toMatch(/^rf_sk_[0-9A-Za-z]{12}_[0-9A-Za-z]{43}$/);
    expect(lookupIdOf(key.raw)).toBe(key.lookupId);
    expect(key.raw.endsWith(key.last4)).toBe(true);
    expect(displayPrefix(key.lookupId)).toBe(key.raw.slice(0, 18));
  });

  it('never repeats a lookup id or secret over many keys', () => {
    const keys = Array.from({ length: 2000 }, () => generateApiKey());

    expect(new Set(keys.map((k) => k.lookupId)).size).toBe(keys.length);
    expect(new Set(keys.map((k) => k.raw.slice(19))).size).toBe(keys.length);
  });

  it('draws secret characters evenly from all 62 (no modulo bias toward the first ones)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i += 1) for (const c of generateApiKey().raw.slice(19)) counts.set(c, (counts.get(c) ?? 0) + 1);
    const expected = (3000 * 43) / 62;

    expect(counts.size).toBe(62);
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.15);
  });

  it.each([
    ['an empty string', ''],
    ['another prefix', 'rf_pk_ABCDEFGHIJKL_' + 'a'.repeat(43)],
    ['a short secret', 'rf_sk_ABCDEFGHIJKL_' + 'a'.repeat(42)],
    ['a long secret', 'rf_sk_ABCDEFGHIJKL_' + 'a'.repeat(44)],
    ['a non-base62 character', 'rf_sk_ABCDEFGHIJK-_' + 'a'.repeat(43)],
    ['surrounding space', ' rf_sk_ABCDEFGHIJKL_' + 'a'.repeat(43)],
  ])('reads no lookup id from %s', (_label, raw) => {
    expect(lookupIdOf(raw)).toBeNull();
  });

  it('matches a key only against the HMAC of that exact key under the same pepper', () => {
    const key = generateApiKey().raw;
    const stored = hashApiKey(PEPPER, key);

    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).not.toContain(key.slice(19));
    expect(keyMatchesHash(PEPPER, key, stored)).toBe(true);
    // one character changed (to one it is not: a random key ends in 'x' one time in 62)
    const changed = `${key.slice(0, -1)}${key.endsWith('x') ? 'y' : 'x'}`;
    expect(keyMatchesHash(PEPPER, changed, stored)).toBe(false);
    expect(keyMatchesHash(`${PEPPER}!`, key, stored)).toBe(false);
    expect(keyMatchesHash(PEPPER, key, 'not-hex')).toBe(false);
  });
});
