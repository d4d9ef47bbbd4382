// Authentication through the gateway against the real reseller service, Redis and RabbitMQ
// (issue 5 item 1 and its acceptance): identical 401s, the principal cache and its revocation,
// IP allow-lists, brute-force protection, and an issuer outage that is not mistaken for a bad key.
import { PRINCIPAL_HEADER } from '@runfleet/contracts';
import { createTestVhost, type TestVhost } from '@runfleet/test-infra';
import { createAccounts, createKey, type Accounts } from '../support/accounts';
import { startFakeService, type FakeService } from '../support/fake-service';
import { DOWN_URL, PRINCIPAL_SECRET, call, closeAgents, startGateway, type GatewayUnderTest } from '../support/gateway-under-test';
import { startReseller, type ResellerUnderTest } from '../support/reseller-under-test';

jest.setTimeout(60_000);

let vhost: TestVhost;
let reseller: ResellerUnderTest;
let registry: FakeService;
let gw: GatewayUnderTest;
let accounts: Accounts;

beforeAll(async () => {
  vhost = await createTestVhost('gateway_auth');
  reseller = await startReseller(vhost.url);
  registry = await startFakeService(PRINCIPAL_SECRET);
  gw = await startGateway({ upstreams: { reseller: reseller.url, 'runner-registry': registry.url }, amqpUrl: vhost.url, env: { AUTH_FAILURES_PER_MINUTE: '20' } });
  accounts = await createAccounts(gw.url, reseller.adminKey, 'auth');
});

afterAll(async () => {
  await gw?.close();
  await registry?.close();
  await reseller?.close();
  await vhost?.drop();
  await closeAgents();
});

async function metricValue(name: string, labels: string): Promise<number> {
  const text = await gw.gateway.metrics.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('a request with a valid key', () => {
  it('reaches the owning service with a signed principal, its correlation id and never the Authorization header', async () => {
    const result = await call(gw.url, '/v1/jobs', { key: accounts.customerKey, headers: { 'x-correlation-id': 'corr-auth-1', [PRINCIPAL_HEADER]: 'v1.forged.signature' } });
    expect(result.status).toBe(200);
    expect(result.headers['x-correlation-id']).toBe('corr-auth-1');
    const seen = registry.seen.at(-1)!;
    expect(seen.principal).toMatchObject({ type: 'customer', id: accounts.customerId, resellerId: accounts.resellerId });
    expect(seen.principal.exp - Date.now() / 1000).toBeLessThanOrEqual(60);
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers['x-correlation-id']).toBe('corr-auth-1');
    expect(seen.headers[PRINCIPAL_HEADER]).not.toBe('v1.forged.signature');
  });

  it('is answered by the reseller service through the gateway', async () => {
    const me = await call(gw.url, '/v1/me', { key: accounts.resellerKey });
    expect(me.status).toBe(200);
    expect(me.json()).toMatchObject({ type: 'reseller', reseller: { id: accounts.resellerId } });
  });

  it('is verified once and then served from the cache, which holds no raw key', async () => {
    const { key } = await createKey(gw.url, reseller.adminKey, { ownerType: 'customer', ownerId: accounts.customerId });
    const hitsBefore = await metricValue('gateway_auth_cache_lookups_total', 'result="hit"');
    for (let i = 0; i < 5; i += 1) expect((await call(gw.url, '/v1/jobs', { key })).status).toBe(200);
    expect((await metricValue('gateway_auth_cache_lookups_total', 'result="hit"')) - hitsBefore).toBe(4);

    const keys = await gw.redis.keys(`${gw.prefix}*`);
    const secretPart = key.split('_').at(-1)!;
    for (const redisKey of keys) {
      expect(redisKey).not.toContain(secretPart);
      const type = await gw.redis.type(redisKey);
      if (type === 'string') expect(await gw.redis.get(redisKey)).not.toContain(secretPart);
    }
    expect(keys.some((k) => k.includes(':auth:entry:'))).toBe(true);
  });
});

describe('authentication failures', () => {
  it('answer the same 401 body for a missing, malformed, unknown, expired or revoked key', async () => {
    const expiring = await createKey(gw.url, reseller.adminKey, { ownerType: 'customer', ownerId: accounts.customerId }, { expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect((await call(gw.url, '/v1/jobs', { key: expiring.key })).status).toBe(200);
    const revoked = await createKey(gw.url, reseller.adminKey, { ownerType: 'customer', ownerId: accounts.customerId });
    expect((await call(gw.url, `/v1/api-keys/${revoked.id}/revoke`, { key: reseller.adminKey, method: 'POST' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));

    const unknown = `rf_sk_${'A'.repeat(12)}_${'b'.repeat(43)}`;
    const attempts: Record<string, Record<string, string>> = {
      missing: {},
      'not bearer': { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
      'empty bearer': { authorization: 'Bearer ' },
      malformed: { authorization: 'Bearer rf_sk_short' },
      'unknown kind': { authorization: `Bearer xx_${'c'.repeat(50)}` },
      unknown: { authorization: `Bearer ${unknown}` },
      expired: { authorization: `Bearer ${expiring.key}` },
      revoked: { authorization: `Bearer ${revoked.key}` },
    };
    const answers = [];
    let ip = 10;
    for (const [kind, headers] of Object.entries(attempts)) {
      const result = await call(gw.url, '/v1/jobs', { headers: { ...headers, 'x-correlation-id': 'same-for-all' }, from: `127.0.3.${(ip += 1)}` });
      answers.push({ kind, status: result.status, body: result.json(), www: result.headers['www-authenticate'], type: result.headers['content-type'] });
    }
    for (const answer of answers) {
      expect({ kind: answer.kind, status: answer.status }).toEqual({ kind: answer.kind, status: 401 });
      expect(answer.body).toEqual(answers[0]!.body);
      expect(answer.www).toBe('Bearer realm="runfleet"');
      expect(answer.type).toContain('application/problem+json');
    }
    expect(answers[0]!.body).toMatchObject({ status: 401, code: 'AUTH_INVALID_CREDENTIALS' });
  });

  it('a revoked key gets 401 within 1 s of apikey.revoked, although its principal was cached', async () => {
    const { id, key } = await createKey(gw.url, reseller.adminKey, { ownerType: 'customer', ownerId: accounts.customerId });
    expect((await call(gw.url, '/v1/jobs', { key })).status).toBe(200);
    expect((await call(gw.url, '/v1/jobs', { key })).status).toBe(200);
    const revoke = await call(gw.url, `/v1/api-keys/${id}/revoke`, { key: reseller.adminKey, method: 'POST' });
    expect(revoke.status).toBe(200);
    const revokedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 5_000) {
      status = (await call(gw.url, '/v1/jobs', { key, from: '127.0.4.1' })).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(status).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
  });
});

describe('IP allow-lists', () => {
  it('let a key in from an allowed address or range and answer 403 from any other', async () => {
    const single = await createKey(gw.url, reseller.adminKey, { ownerType: 'customer', ownerId: accounts.customerId }, { allowedIps: ['127.0.0.5'] });
    const range = await createKey(gw.url, reseller.adminKey, { ownerType: 'customer', ownerId: accounts.customerId }, { allowedIps: ['127.0.1.0/24'] });
    expect((await call(gw.url, '/v1/jobs', { key: single.key, from: '127.0.0.5' })).status).toBe(200);
    expect((await call(gw.url, '/v1/jobs', { key: range.key, from: '127.0.1.77' })).status).toBe(200);
    const refused = await call(gw.url, '/v1/jobs', { key: single.key, from: '127.0.0.6' });
    expect(refused.status).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'AUTH_IP_NOT_ALLOWED' });
    expect((await call(gw.url, '/v1/jobs', { key: range.key, from: '127.0.2.1' })).status).toBe(403);
  });
});

describe('brute force', () => {
  it('1,000 bad keys from one IP in a minute are ≥ 95 % 429 past the threshold, while a valid client elsewhere is unaffected', async () => {
    const attacker = '127.0.5.1';
    // Never used before the attack: its first use mid-attack is a cache miss, the path the IP budget guards.
    const fresh = await createKey(gw.url, reseller.adminKey, { ownerType: 'customer', ownerId: accounts.customerId });
    const statuses: number[] = [];
    const validStatuses: number[] = [];
    const started = Date.now();
    for (let batch = 0; batch < 100; batch += 1) {
      const guesses = Array.from({ length: 10 }, (_, i) => `rf_sk_${String(batch).padStart(6, '0')}${String(i).padStart(6, '0')}_${'x'.repeat(43)}`);
      const results = await Promise.all(guesses.map((key) => call(gw.url, '/v1/jobs', { key, from: attacker })));
      statuses.push(...results.map((r) => r.status));
      if (batch % 10 === 0) validStatuses.push((await call(gw.url, '/v1/jobs', { key: accounts.customerKey, from: '127.0.5.2' })).status);
      if (batch === 50) validStatuses.push((await call(gw.url, '/v1/jobs', { key: fresh.key, from: '127.0.5.3' })).status);
    }
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    const afterThreshold = statuses.slice(20);
    const limited = afterThreshold.filter((s) => s === 429).length;
    expect(limited / afterThreshold.length).toBeGreaterThanOrEqual(0.95);
    expect(validStatuses.every((s) => s === 200)).toBe(true);

    const blocked = await call(gw.url, '/v1/jobs', { key: `rf_sk_${'Z'.repeat(12)}_${'z'.repeat(43)}`, from: attacker });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.json()).toMatchObject({ code: 'AUTH_TOO_MANY_FAILURES' });
  });
});

describe('a request with no credential at all', () => {
  it('is a 401 that costs its address nothing: past the failure budget (20) it still gets 401, and the address’s next key is checked', async () => {
    const from = '127.0.6.1';
    // never used before, so its first use below is a cache miss, the path the IP budget guards
    const fresh = await createKey(gw.url, reseller.adminKey, { ownerType: 'customer', ownerId: accounts.customerId });
    const statuses: number[] = [];
    for (let i = 0; i < 25; i += 1) statuses.push((await call(gw.url, '/v1/jobs', { from })).status);
    expect(statuses).toEqual(Array(25).fill(401));
    expect((await call(gw.url, '/v1/jobs', { key: fresh.key, from })).status).toBe(200);
  });

  it('unlike a credential of the wrong scheme, which is a wrong credential and is counted', async () => {
    const from = '127.0.6.2';
    const basic = { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` };
    const statuses: number[] = [];
    for (let i = 0; i < 21; i += 1) statuses.push((await call(gw.url, '/v1/jobs', { headers: basic, from })).status);
    expect(statuses).toEqual([...Array(20).fill(401), 429]);
  });
});

describe('when the key issuer is down', () => {
  it('a well-formed key gets 503 with Retry-After, not a 401 that would make a client drop a good key', async () => {
    const isolated = await startGateway({ upstreams: { reseller: DOWN_URL, 'runner-registry': registry.url } });
    try {
      const result = await call(isolated.url, '/v1/jobs', { key: `rf_sk_${'Q'.repeat(12)}_${'q'.repeat(43)}` });
      expect(result.status).toBe(503);
      expect(result.json()).toMatchObject({ code: 'AUTH_VERIFIER_UNAVAILABLE' });
      expect(result.headers['retry-after']).toBeDefined();
    } finally {
      await isolated.close();
    }
  });
});

describe('/metrics', () => {
  it('shows requests by route, status and principal type, upstream latency, breaker state, rate-limit rejections and auth cache lookups', async () => {
    const result = await call(gw.metricsUrl, '/metrics');
    expect(result.status).toBe(200);
    const value = (pattern: RegExp) => Number(result.text.split('\n').find((line) => pattern.test(line))?.split(' ').pop() ?? NaN);
    expect(value(/^gateway_requests_total\{[^}]*route="\/v1\/jobs"[^}]*status="200"[^}]*principal_type="customer"/)).toBeGreaterThan(0);
    expect(value(/^gateway_requests_total\{[^}]*status="401"[^}]*principal_type="anonymous"/)).toBeGreaterThan(0);
    expect(value(/^gateway_upstream_duration_seconds_count\{[^}]*upstream="runner-registry"[^}]*status="200"/)).toBeGreaterThan(0);
    expect(value(/^gateway_circuit_breaker_state\{[^}]*upstream="reseller"/)).toBe(0);
    expect(value(/^gateway_rate_limit_rejections_total\{[^}]*limiter="auth_failures"/)).toBeGreaterThan(900);
    expect(value(/^gateway_auth_cache_lookups_total\{[^}]*result="hit"/)).toBeGreaterThan(0);
    expect(value(/^gateway_auth_cache_lookups_total\{[^}]*result="miss"/)).toBeGreaterThan(0);
  });
});
