// The session cookies' values and attributes (issue 19): what the gateway reads of a Cookie header,
// and when the cookies carry Secure.
import { configSchema, withEnvironmentDefaults } from '../../src/config';
import { clearedSessionCookies, cookiesSecure, maxAgeUntil, sessionCookiesOf, sessionSetCookies } from '../../src/domain/session-cookies';

describe('sessionCookiesOf', () => {
  it('reads the session and the CSRF value among other cookies', () => {
    expect(sessionCookiesOf('theme=dark; rf_session=rf_ss_abc_def; rf_csrf=xyz')).toEqual({ session: 'rf_ss_abc_def', csrf: 'xyz' });
    expect(sessionCookiesOf('rf_session=rf_ss_abc_def')).toEqual({ session: 'rf_ss_abc_def', csrf: undefined });
  });
  it('finds no session in no header, an empty cookie, or only the CSRF cookie', () => {
    expect(sessionCookiesOf(undefined)).toBeUndefined();
    expect(sessionCookiesOf('rf_session=; rf_csrf=xyz')).toBeUndefined();
    expect(sessionCookiesOf('rf_csrf=xyz; other_rf_session_like=1')).toBeUndefined();
  });
});

describe('cookiesSecure', () => {
  it('is relaxed (auto) only for plain http from a loopback address', () => {
    expect(cookiesSecure('auto', { ip: '127.0.0.1', protocol: 'http' })).toBe(false);
    expect(cookiesSecure('auto', { ip: '::1', protocol: 'http' })).toBe(false);
    expect(cookiesSecure('auto', { ip: '::ffff:127.0.0.2', protocol: 'http' })).toBe(false);
    expect(cookiesSecure('auto', { ip: '127.0.0.1', protocol: 'https' })).toBe(true);
    expect(cookiesSecure('auto', { ip: '10.0.0.5', protocol: 'http' })).toBe(true);
    expect(cookiesSecure('always', { ip: '127.0.0.1', protocol: 'http' })).toBe(true);
  });
});

describe('COOKIE_SECURE by environment', () => {
  const env = {
    PRINCIPAL_SECRET: 'a-principal-secret-of-at-least-32-characters',
    AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
    REDIS_URL: 'redis://127.0.0.1:6379',
    RESELLER_URL: 'http://127.0.0.1:8081',
    BILLING_URL: 'http://127.0.0.1:8082',
    RUNNER_REGISTRY_URL: 'http://127.0.0.1:8083',
    NOTIFICATIONS_URL: 'http://127.0.0.1:8084',
  };
  const cookieSecure = (extra: Record<string, string>) => configSchema.parse(withEnvironmentDefaults({ ...env, ...extra })).COOKIE_SECURE;

  it('relaxes Secure for loopback clients only outside production, unless told', () => {
    expect(cookieSecure({})).toBe('auto');
    expect(cookieSecure({ NODE_ENV: 'development' })).toBe('auto');
    expect(cookieSecure({ NODE_ENV: 'production' })).toBe('always');
    expect(cookieSecure({ NODE_ENV: 'production', COOKIE_SECURE: 'auto' })).toBe('auto');
  });
});

describe('Set-Cookie values', () => {
  it('make the session HttpOnly and the CSRF value readable, both Lax for the whole site', () => {
    const [session, csrf] = sessionSetCookies({ token: 'rf_ss_a_b', csrf: 'c', maxAgeSeconds: 1800, secure: true });
    expect(session).toBe('rf_session=rf_ss_a_b; Max-Age=1800; Path=/; HttpOnly; Secure; SameSite=Lax');
    expect(csrf).toBe('rf_csrf=c; Max-Age=1800; Path=/; Secure; SameSite=Lax');
  });
  it('clear both with the same path', () => {
    for (const cleared of clearedSessionCookies(false)) {
      expect(cleared).toMatch(/^rf_(session|csrf)=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT;/);
    }
  });
  it('last until the session expires, never a negative time', () => {
    const now = Date.parse('2026-12-05T12:00:00Z');
    expect(maxAgeUntil('2026-12-05T12:30:00Z', now)).toBe(1800);
    expect(maxAgeUntil('2026-12-05T11:00:00Z', now)).toBe(0);
    expect(maxAgeUntil('not a date', now)).toBe(0);
  });
});
