// Rate limits through the gateway (issue 5 item 3): per principal, per-key overrides, 429 with
// Retry-After and RateLimit headers; and the documented behaviour while Redis is unreachable.
import { createTestVhost, type TestVhost } from '@runfleet/test-infra';
import { createAccounts, createKey, type Accounts } from '../support/accounts';
import { startFakeService, type FakeService } from '../support/fake-service';
import { PRINCIPAL_SECRET, call, closeAgents, startGateway, type GatewayUnderTest } from '../support/gateway-under-test';
import { startReseller, type ResellerUnderTest } from '../support/reseller-under-test';

jest.setTimeout(60_000);

const LIMIT = 5;

let vhost: TestVhost;
let reseller: ResellerUnderTest;
let registry: FakeService;
let gw: GatewayUnderTest;
let alice: Accounts;
let bob: Accounts;
let aliceSecondKey: string;
let bobLimitedKey: string;

beforeAll(async () => {
  vhost = await createTestVhost('gateway_ratelimit');
  reseller = await startReseller(vhost.url);
  registry = await startFakeService(PRINCIPAL_SECRET);
  // The accounts are made by the admin, whose budget must not run out while setting up.
  const setup = await startGateway({ upstreams: { reseller: reseller.url } });
  alice = await createAccounts(setup.url, reseller.adminKey, 'rl-alice');
  bob = await createAccounts(setup.url, reseller.adminKey, 'rl-bob');
  aliceSecondKey = (await createKey(setup.url, reseller.adminKey, { ownerType: 'customer', ownerId: alice.customerId })).key;
  bobLimitedKey = (await createKey(setup.url, reseller.adminKey, { ownerType: 'customer', ownerId: bob.customerId }, { rateLimitPerMinute: 2 })).key;
  await setup.close();
  gw = await startGateway({ upstreams: { reseller: reseller.url, 'runner-registry': registry.url }, env: { RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
});

afterAll(async () => {
  await gw?.close();
  await registry?.close();
  await reseller?.close();
  await vhost?.drop();
  await closeAgents();
});

describe('the per-principal limit', () => {
  it('counts down in RateLimit headers, then answers 429 with Retry-After, for every key of that principal', async () => {
    const results = [];
    for (let i = 0; i < LIMIT; i += 1) results.push(await call(gw.url, '/v1/jobs', { key: alice.customerKey }));
    expect(results.map((r) => r.status)).toEqual(Array(LIMIT).fill(200));
    expect(results[0]!.headers['ratelimit-policy']).toBe(`"principal";q=${LIMIT};w=60`);
    expect(results[0]!.headers.ratelimit).toMatch(new RegExp(`^"principal";r=${LIMIT - 1};t=\\d+$`));
    expect(results[LIMIT - 1]!.headers.ratelimit).toMatch(/^"principal";r=0;t=\d+$/);

    const limited = await call(gw.url, '/v1/jobs', { key: alice.customerKey });
    expect(limited.status).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect((await call(gw.url, '/v1/jobs', { key: aliceSecondKey })).status).toBe(429);
  });

  it('leaves other principals their own budget', async () => {
    expect((await call(gw.url, '/v1/jobs', { key: bob.customerKey })).status).toBe(200);
  });

  it('is replaced by a key’s own limit when the key carries one', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await call(gw.url, '/v1/jobs', { key: bobLimitedKey })).status);
    expect(statuses).toEqual([200, 200, 429]);
    // bob's shared budget was not spent by the key with its own limit
    expect((await call(gw.url, '/v1/jobs', { key: bob.customerKey })).headers.ratelimit).toMatch(new RegExp(`^"principal";r=${LIMIT - 2};`));
  });
});

describe('while Redis is unreachable', () => {
  it('keys are verified with the issuer, limits fall back to memory, keyed POSTs get 503, and nothing answers 500', async () => {
    const cut = await startGateway({
      upstreams: { reseller: reseller.url, 'runner-registry': registry.url },
      redisUrl: 'redis://127.0.0.1:1',
      env: { RATE_LIMIT_PER_MINUTE: '3' },
      healthTimeoutMs: 300,
    });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await call(cut.url, '/v1/jobs', { key: alice.resellerKey })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);

      const keyed = await call(cut.url, '/v1/jobs', { key: bob.resellerKey, body: { type: 'render' }, headers: { 'idempotency-key': 'k-1' } });
      expect(keyed.status).toBe(503);
      expect(keyed.json()).toMatchObject({ code: 'IDEMPOTENCY_UNAVAILABLE' });
      expect(keyed.headers['retry-after']).toBeDefined();

      const bad = await call(cut.url, '/v1/jobs', { key: `rf_sk_${'W'.repeat(12)}_${'w'.repeat(43)}` });
      expect(bad.status).toBe(401);

      const ready = await call(cut.url, '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.json().checks.redis).toMatch(/^fail/);
      expect(await cut.gateway.metrics.registry.getSingleMetricAsString('gateway_redis_fallbacks_total')).toMatch(/feature="rate_limit"/);
    } finally {
      await cut.close();
    }
  });
});
