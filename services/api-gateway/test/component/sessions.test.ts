// People's browser sessions at the gateway (issue 19), against this machine's Redis and RabbitMQ and
// an upstream that answers as the reseller's account operations do (support/fake-accounts.ts):
// sign-in sets the cookies and never shows the token, the cookie authenticates like an API key and
// signs the same principal (with the user and session), cookie writes need the CSRF token and this
// origin while bearer requests do not, session.revoked and sign-out end a cached session within a
// second, and the account routes have their own per-IP budget and body cap.
import { EVENTS_EXCHANGE } from '@runfleet/contracts';
import { buildEnvelope, envelopeProperties } from '@runfleet/messaging';
import { createTestVhost, type TestVhost } from '@runfleet/test-infra';
import { connect, type ChannelModel } from 'amqplib';
import { FAKE_API_KEY, FAKE_RESELLER_ID, RIGHT_PASSWORD, startFakeAccounts, type FakeAccounts } from '../support/fake-accounts';
import { PRINCIPAL_SECRET, call, closeAgents, startGateway, type CallOptions, type CallResult, type GatewayUnderTest } from '../support/gateway-under-test';

jest.setTimeout(60_000);

const PER_IP = 5;
const BODY_LIMIT = 2048;
// The promise is 1 s; a little slack for a loaded shared machine.
const BITES_WITHIN_MS = 1_500;

let vhost: TestVhost;
let accounts: FakeAccounts;
let gw: GatewayUnderTest;
let broker: ChannelModel;
let ipCounter = 0;

beforeAll(async () => {
  vhost = await createTestVhost('gateway_sessions');
  accounts = await startFakeAccounts(PRINCIPAL_SECRET);
  gw = await startGateway({
    upstreams: { reseller: accounts.url },
    amqpUrl: vhost.url,
    env: { AUTH_PER_IP_PER_MINUTE: String(PER_IP), AUTH_BODY_LIMIT_BYTES: String(BODY_LIMIT) },
  });
  broker = await connect(vhost.url);
  broker.on('error', () => undefined);
});

afterAll(async () => {
  await gw?.close();
  await accounts?.close();
  await broker?.close().catch(() => undefined);
  await vhost?.drop();
  await closeAgents();
});

/** Its own client address per use, so one test's sign-ins never spend another's budget. */
function nextIp(): string {
  ipCounter += 1;
  return `127.0.9.${ipCounter}`;
}

interface Cookie {
  name: string;
  value: string;
  attributes: Record<string, string | true>;
}

function parseSetCookie(header: string): Cookie {
  const [pair = '', ...rest] = header.split(';').map((part) => part.trim());
  const eq = pair.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const attribute of rest) {
    const at = attribute.indexOf('=');
    if (at === -1) attributes[attribute.toLowerCase()] = true;
    else attributes[attribute.slice(0, at).toLowerCase()] = attribute.slice(at + 1);
  }
  return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attributes };
}

function cookiesOf(result: CallResult): Record<string, Cookie> {
  return Object.fromEntries(result.setCookies.map(parseSetCookie).map((cookie) => [cookie.name, cookie]));
}

interface Browser {
  session: string;
  csrf: string;
  from: string;
  signIn: CallResult;
}

async function signIn(base = gw.url, from = nextIp(), headers: Record<string, string> = {}): Promise<Browser> {
  const result = await call(base, '/v1/auth/login', { from, headers, body: { email: 'ada@customers.example', password: RIGHT_PASSWORD } });
  expect(result.status).toBe(200);
  const cookies = cookiesOf(result);
  return { session: cookies.rf_session!.value, csrf: cookies.rf_csrf!.value, from, signIn: result };
}

/** A request as the signed-in browser sends it: both cookies, and (when `csrf`) the header. */
function asBrowser(browser: Browser, path: string, options: CallOptions & { csrf?: string } = {}): Promise<CallResult> {
  const headers: Record<string, string> = { cookie: `rf_session=${browser.session}; rf_csrf=${browser.csrf}; theme=dark`, ...options.headers };
  if (options.csrf !== undefined) headers['x-csrf-token'] = options.csrf;
  return call(gw.url, path, { from: browser.from, ...options, headers });
}

async function publishSessionRevoked(sessionId: string, userId: string): Promise<void> {
  const envelope = buildEnvelope('session.revoked', { keyId: sessionId, userId }, { producer: 'reseller' });
  const channel = await broker.createConfirmChannel();
  channel.publish(EVENTS_EXCHANGE, envelope.type, Buffer.from(JSON.stringify(envelope)), envelopeProperties(envelope));
  await channel.waitForConfirms();
  await channel.close();
}

describe('signing in', () => {
  it('sets the session cookie HttpOnly and SameSite=Lax and the CSRF cookie readable, and never shows the token', async () => {
    const browser = await signIn();
    const { signIn: result } = browser;
    const issued = accounts.sessions.at(-1)!;

    expect(result.text).not.toContain(issued.token);
    expect(result.text).not.toContain('rf_ss_');
    const body = result.json();
    expect(Object.keys(body).sort()).toEqual(['csrfToken', 'expiresAt', 'user']);
    expect(body.user).toMatchObject({ email: 'ada@customers.example', role: 'customer' });
    expect(result.headers['cache-control']).toBe('no-store');

    const cookies = cookiesOf(result);
    expect(cookies.rf_session!.value).toBe(issued.token);
    expect(cookies.rf_session!.attributes).toMatchObject({ httponly: true, samesite: 'Lax', path: '/' });
    expect(cookies.rf_csrf!.value).toBe(body.csrfToken);
    expect(cookies.rf_csrf!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookies.rf_csrf!.attributes).toMatchObject({ samesite: 'Lax', path: '/' });
    expect(cookies.rf_csrf!.attributes.httponly).toBeUndefined();
    // Max-Age from the session's expiry (30 minutes from the service)
    for (const cookie of [cookies.rf_session!, cookies.rf_csrf!]) expect(Number(cookie.attributes['max-age'])).toBeGreaterThan(29 * 60);
    // over plain http from this machine: not Secure, or no local browser would keep them
    expect(cookies.rf_session!.attributes.secure).toBeUndefined();
  });

  it('forwards the body and nothing of the caller but the user agent, and passes a refusal on as it came, with no cookie', async () => {
    const from = nextIp();
    const result = await call(gw.url, '/v1/auth/login', {
      from,
      headers: { 'user-agent': 'console-test', cookie: 'rf_session=rf_ss_stale', authorization: `Bearer ${FAKE_API_KEY}` },
      body: { email: 'ada@customers.example', password: 'wrong password here' },
    });
    expect(result.status).toBe(401);
    expect(result.json()).toMatchObject({ code: 'AUTH_LOGIN_FAILED' });
    expect(result.setCookies).toEqual([]);
    expect(accounts.lastSignIn).toEqual({ email: 'ada@customers.example', password: 'wrong password here' });
    expect(accounts.lastPublicHeaders).toMatchObject({ 'user-agent': 'console-test', 'x-forwarded-for': from });
    expect(accounts.lastPublicHeaders!.cookie).toBeUndefined();
    expect(accounts.lastPublicHeaders!.authorization).toBeUndefined();
    expect(accounts.lastPublicHeaders!['x-runfleet-principal']).toBeUndefined();
  });

  it('sets Secure when the client is not on this machine, or came over https, or COOKIE_SECURE=always', async () => {
    const behindProxy = await startGateway({ upstreams: { reseller: accounts.url }, env: { TRUST_PROXY: 'loopback' } });
    const always = await startGateway({ upstreams: { reseller: accounts.url }, env: { COOKIE_SECURE: 'always' } });
    try {
      const remote = await signIn(behindProxy.url, nextIp(), { 'x-forwarded-for': '203.0.113.7' });
      const overHttps = await signIn(behindProxy.url, nextIp(), { 'x-forwarded-proto': 'https' });
      const local = await signIn(behindProxy.url, nextIp());
      const forced = await signIn(always.url);
      for (const browser of [remote, overHttps, forced]) {
        for (const cookie of Object.values(cookiesOf(browser.signIn))) expect({ cookie: cookie.name, secure: cookie.attributes.secure }).toEqual({ cookie: cookie.name, secure: true });
      }
      for (const cookie of Object.values(cookiesOf(local.signIn))) expect(cookie.attributes.secure).toBeUndefined();
    } finally {
      await behindProxy.close();
      await always.close();
    }
  });

  it('is refused from another site’s page (login CSRF), before the service is asked', async () => {
    const before = accounts.sessions.length;
    const result = await call(gw.url, '/v1/auth/login', { from: nextIp(), headers: { origin: 'https://evil.example' }, body: { email: 'ada@customers.example', password: RIGHT_PASSWORD } });
    expect(result.status).toBe(403);
    expect(result.json()).toMatchObject({ code: 'AUTH_CSRF_FAILED', errors: [{ field: 'headers.origin' }] });
    expect(result.setCookies).toEqual([]);
    expect(accounts.sessions.length).toBe(before);
    // from the gateway's own page it works
    const own = await call(gw.url, '/v1/auth/login', { from: nextIp(), headers: { origin: gw.url }, body: { email: 'ada@customers.example', password: RIGHT_PASSWORD } });
    expect(own.status).toBe(200);
  });
});

describe('the session cookie', () => {
  it('authenticates a request like an API key: the same signed principal, with the user and the session, and no cookie forwarded', async () => {
    const browser = await signIn();
    const issued = accounts.sessions.at(-1)!;
    const result = await asBrowser(browser, '/v1/auth/me');
    expect(result.status).toBe(200);
    const seen = result.json();
    expect(seen.principal).toMatchObject({ type: 'customer', id: issued.customerId, resellerId: null, userId: issued.userId, sessionId: issued.sessionId });
    expect(seen.principal.exp - Date.now() / 1000).toBeLessThanOrEqual(60);
    expect(seen.cookie).toBeNull();
    // the cookies' lifetime follows the session's idle expiry
    const renewed = cookiesOf(result);
    expect(renewed.rf_session).toMatchObject({ value: browser.session, attributes: { httponly: true, samesite: 'Lax', path: '/' } });
    expect(renewed.rf_csrf?.value).toBe(browser.csrf);
    expect(Number(renewed.rf_session!.attributes['max-age'])).toBeGreaterThan(29 * 60);
  });

  it('is verified once and then served from the cache', async () => {
    const browser = await signIn();
    const before = accounts.verifications;
    for (let i = 0; i < 5; i += 1) expect((await asBrowser(browser, '/v1/auth/me')).status).toBe(200);
    expect(accounts.verifications - before).toBe(1);
  });

  it('is not accepted as a bearer token, nor an API key as the cookie; a cookie that names no session is cleared', async () => {
    const browser = await signIn();
    const asBearer = await call(gw.url, '/v1/auth/me', { from: browser.from, key: browser.session });
    expect(asBearer.status).toBe(401);
    const keyInCookie = await call(gw.url, '/v1/auth/me', { from: nextIp(), headers: { cookie: `rf_session=${FAKE_API_KEY}` } });
    expect(keyInCookie.status).toBe(401);
    const unknown = await call(gw.url, '/v1/auth/me', { from: nextIp(), headers: { cookie: `rf_session=rf_ss_${'A'.repeat(12)}_${'b'.repeat(43)}` } });
    expect(unknown.status).toBe(401);
    expect(unknown.json()).toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' });
    const cleared = cookiesOf(unknown);
    expect(cleared.rf_session).toMatchObject({ value: '', attributes: { 'max-age': '0', path: '/' } });
    expect(cleared.rf_csrf).toMatchObject({ value: '', attributes: { 'max-age': '0' } });
  });
});

describe('writes with the session cookie', () => {
  it('are refused without the CSRF token, with another one, or from another origin, and never reach the service', async () => {
    const browser = await signIn();
    const seenBefore = accounts.principals.length;
    const refusals = {
      missing: await asBrowser(browser, '/v1/auth/password', { body: { currentPassword: 'a', password: 'b' } }),
      mismatched: await asBrowser(browser, '/v1/auth/password', { body: {}, csrf: `${browser.csrf.slice(0, -1)}x` }),
      shorter: await asBrowser(browser, '/v1/auth/password', { body: {}, csrf: browser.csrf.slice(0, 10) }),
      'foreign origin': await asBrowser(browser, '/v1/auth/password', { body: {}, csrf: browser.csrf, headers: { origin: 'https://evil.example' } }),
      'sign-out without it': await asBrowser(browser, '/v1/auth/session', { method: 'DELETE' }),
    };
    for (const [kind, result] of Object.entries(refusals)) {
      expect({ kind, status: result.status, code: result.json().code }).toEqual({ kind, status: 403, code: 'AUTH_CSRF_FAILED' });
      expect(result.headers['content-type']).toContain('application/problem+json');
    }
    expect(refusals.missing.json().errors).toEqual([expect.objectContaining({ field: 'headers.x-csrf-token' })]);
    expect(refusals['foreign origin'].json().errors).toEqual([expect.objectContaining({ field: 'headers.origin' })]);
    expect(accounts.principals.length).toBe(seenBefore);
  });

  it('go through with the CSRF token, from this origin or with no Origin at all', async () => {
    const browser = await signIn();
    const sameOrigin = await asBrowser(browser, '/v1/auth/password', { body: {}, csrf: browser.csrf, headers: { origin: gw.url } });
    expect(sameOrigin.status).toBe(200);
    expect(sameOrigin.json()).toMatchObject({ method: 'POST', principal: { sessionId: accounts.sessions.at(-1)!.sessionId } });
    const noOrigin = await asBrowser(browser, '/v1/auth/password', { body: {}, csrf: browser.csrf });
    expect(noOrigin.status).toBe(200);
  });

  it('leave bearer requests alone: no CSRF token needed, and the bearer key wins over a cookie beside it', async () => {
    const plain = await call(gw.url, '/v1/auth/password', { from: nextIp(), key: FAKE_API_KEY, body: {}, headers: { origin: 'https://elsewhere.example' } });
    expect(plain.status).toBe(200);
    expect(plain.json().principal).toMatchObject({ type: 'reseller', id: FAKE_RESELLER_ID });
    expect(plain.json().principal.sessionId).toBeUndefined();
    expect(plain.setCookies).toEqual([]);
    const browser = await signIn();
    const both = await asBrowser(browser, '/v1/auth/password', { key: FAKE_API_KEY, body: {} });
    expect(both.status).toBe(200);
    expect(both.json().principal).toMatchObject({ type: 'reseller', id: FAKE_RESELLER_ID });
  });
});

describe('ending a session', () => {
  it('session.revoked stops a cached session within a second', async () => {
    const browser = await signIn();
    const issued = accounts.sessions.at(-1)!;
    for (let i = 0; i < 3; i += 1) expect((await asBrowser(browser, '/v1/auth/me')).status).toBe(200);
    // The service ended it (its verification now says no); only the event can tell the gateway's cache.
    issued.revoked = true;
    const revokedAt = Date.now();
    await publishSessionRevoked(issued.sessionId, issued.userId);
    let result = await asBrowser(browser, '/v1/auth/me');
    while (result.status === 200 && Date.now() - revokedAt < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      result = await asBrowser(browser, '/v1/auth/me');
    }
    expect(result.status).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThan(BITES_WITHIN_MS);
    expect(cookiesOf(result).rf_session).toMatchObject({ value: '', attributes: { 'max-age': '0' } });
  });

  it('signing out ends the session at once and clears both cookies', async () => {
    const browser = await signIn();
    for (let i = 0; i < 2; i += 1) expect((await asBrowser(browser, '/v1/auth/me')).status).toBe(200);
    const out = await asBrowser(browser, '/v1/auth/session', { method: 'DELETE', csrf: browser.csrf });
    expect(out.status).toBe(204);
    const cleared = cookiesOf(out);
    for (const name of ['rf_session', 'rf_csrf']) {
      expect(cleared[name]).toMatchObject({ value: '', attributes: { 'max-age': '0', path: '/', samesite: 'Lax' } });
    }
    expect(cleared.rf_session!.attributes.httponly).toBe(true);
    // no event needed: this gateway forgot it with the answer
    expect((await asBrowser(browser, '/v1/auth/me')).status).toBe(401);
  });
});

describe('the account routes', () => {
  it('have a per-IP budget of their own: past it 429 with Retry-After, other addresses and keys unaffected', async () => {
    const from = nextIp();
    const statuses: number[] = [];
    for (let i = 0; i < PER_IP + 1; i += 1) {
      const result = await call(gw.url, '/v1/auth/login', { from, body: { email: `guess${i}@customers.example`, password: 'not it at all' } });
      statuses.push(result.status);
      if (result.status === 429) {
        expect(result.json()).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED' });
        expect(Number(result.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    expect(statuses).toEqual([...Array<number>(PER_IP).fill(401), 429]);
    expect((await call(gw.url, '/v1/auth/signup', { from, body: { email: 'new@customers.example', password: 'x', name: 'New' } })).status).toBe(429);
    expect((await call(gw.url, '/v1/auth/login', { from: nextIp(), body: { email: 'ada@customers.example', password: RIGHT_PASSWORD } })).status).toBe(200);
    expect((await call(gw.url, '/v1/auth/me', { from, key: FAKE_API_KEY })).status).toBe(200);
  });

  it('cap the body at AUTH_BODY_LIMIT_BYTES', async () => {
    const result = await call(gw.url, '/v1/auth/signup', { from: nextIp(), body: { email: 'big@customers.example', password: 'p'.repeat(BODY_LIMIT), name: 'Big' } });
    expect(result.status).toBe(413);
  });

  it('are reached with no credential at all', async () => {
    const result = await call(gw.url, '/v1/auth/signup', { from: nextIp(), body: { email: 'new@customers.example', password: 'long enough password', name: 'New' } });
    expect(result.status).toBe(202);
    expect(result.json()).toEqual({ status: 'verification_sent' });
  });
});
