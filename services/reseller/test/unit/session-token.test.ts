// Session tokens (issue 19): `rf_ss_<lookupId>_<secret>`, told apart from API keys, hashed with the lookup id bound.
import { generateApiKey } from '../../src/domain/api-key-format';
import { generateSessionToken, hashSessionToken, sessionLookupIdOf } from '../../src/domain/session-token';

describe('session tokens', () => {
  it('are rf_ss_ with a 12-character lookup id and a 43-character secret, different every time', () => {
    const a = generateSessionToken();
    const b = generateSessionToken();
    expect(a.raw).toMatch(/^rf_ss_[0-9A-Za-z]{12}_[0-9A-Za-z]{43}$/);
    expect(sessionLookupIdOf(a.raw)).toBe(a.lookupId);
    expect(a.raw).not.toBe(b.raw);
  });

  it('refuse an API key, a truncated token and other text', () => {
    const token = generateSessionToken().raw;
    for (const raw of [generateApiKey().raw, token.slice(0, -1), `${token}x`, '', 'rf_ss_']) expect(sessionLookupIdOf(raw)).toBeNull();
  });

  it('hash differently under another pepper or with another secret', () => {
    const token = generateSessionToken().raw;
    const pepper = 'p'.repeat(32);
    expect(hashSessionToken(pepper, token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSessionToken('q'.repeat(32), token)).not.toBe(hashSessionToken(pepper, token));
    expect(hashSessionToken(pepper, `${token.slice(0, -1)}${token.endsWith('a') ? 'b' : 'a'}`)).not.toBe(hashSessionToken(pepper, token));
  });
});
