// Bearer parsing, credential kinds and IP allow-lists: what decides 401 before any service is asked, and 403.
import { bearerToken, credentialKindOf } from '../../src/domain/credential-kinds';
import { ipAllowed, normalizeIp } from '../../src/domain/ip-allow-list';

const apiKey = `rf_sk_${'a'.repeat(12)}_${'B'.repeat(43)}`;

describe('bearerToken', () => {
  it('takes the token of a Bearer header, case-insensitively', () => {
    expect(bearerToken(`Bearer ${apiKey}`)).toBe(apiKey);
    expect(bearerToken(`bearer ${apiKey}`)).toBe(apiKey);
  });
  it('gives nothing for a missing, empty or non-Bearer header', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('Bearer ')).toBeUndefined();
    expect(bearerToken('Basic YTpi')).toBeUndefined();
    expect(bearerToken(`Bearer ${apiKey} extra`)).toBeUndefined();
  });
});

describe('credentialKindOf', () => {
  it('sends API keys to the reseller service', () => {
    expect(credentialKindOf(apiKey)).toMatchObject({ upstream: 'reseller', verifyPath: '/internal/api-keys/verify' });
    expect(credentialKindOf(`rf_rt_${'c'.repeat(40)}`)).toMatchObject({ upstream: 'runner-registry', verifyPath: '/internal/runner-tokens/verify' });
    expect(credentialKindOf(`rf_rg_${'d'.repeat(40)}`)).toMatchObject({ upstream: 'runner-registry', verifyPath: '/internal/registration-tokens/verify' });
  });
  it('takes a session only from the cookie, and a bearer kind only from the Authorization header', () => {
    const session = `rf_ss_${'e'.repeat(12)}_${'F'.repeat(43)}`;
    expect(credentialKindOf(session, 'cookie')).toMatchObject({ name: 'session', upstream: 'reseller', verifyPath: '/internal/sessions/verify' });
    expect(credentialKindOf(session)).toBeUndefined();
    expect(credentialKindOf(apiKey, 'cookie')).toBeUndefined();
  });
  it('recognises nothing too short, too long, of another kind or with odd characters', () => {
    expect(credentialKindOf('rf_sk_short')).toBeUndefined();
    expect(credentialKindOf(`rf_sk_${'a'.repeat(201)}`)).toBeUndefined();
    expect(credentialKindOf(`xx_${'a'.repeat(40)}`)).toBeUndefined();
    expect(credentialKindOf(`rf_sk_${'a'.repeat(30)}%00`)).toBeUndefined();
  });
});

describe('ipAllowed', () => {
  it('allows any address when the list is empty', () => {
    expect(ipAllowed('203.0.113.9', [])).toBe(true);
  });
  it('matches addresses and CIDR ranges, IPv4-mapped IPv6 included', () => {
    expect(ipAllowed('203.0.113.9', ['203.0.113.0/24'])).toBe(true);
    expect(ipAllowed('::ffff:203.0.113.9', ['203.0.113.9'])).toBe(true);
    expect(ipAllowed('2001:db8::1', ['2001:db8::/32'])).toBe(true);
    expect(ipAllowed('198.51.100.1', ['203.0.113.0/24', '2001:db8::/32'])).toBe(false);
  });
  it('treats an unparsable entry as matching nothing rather than everything', () => {
    expect(ipAllowed('203.0.113.9', ['not-an-ip'])).toBe(false);
  });
  it('normalises IPv4-mapped addresses only', () => {
    expect(normalizeIp('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(normalizeIp('::1')).toBe('::1');
  });
});
