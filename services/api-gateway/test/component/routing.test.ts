// Routing to the owning service (issue 5 item 5 and its acceptance): 4xx passed through untouched,
// one circuit breaker per upstream that fails fast when open and recovers after its reset
// timeout, 504 at the upstream timeout, size-limited streamed bodies, correlation ids, helmet,
// CORS, and services that refuse anything not signed by the gateway.
import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { createTestVhost, type TestVhost } from '@runfleet/test-infra';
import { createAccounts, type Accounts } from '../support/accounts';
import { FAKE_ARTIFACT, startFakeService, type FakeService } from '../support/fake-service';
import { DOWN_URL, PRINCIPAL_SECRET, call, closeAgents, startGateway, type GatewayUnderTest } from '../support/gateway-under-test';
import { startReseller, type ResellerUnderTest } from '../support/reseller-under-test';

jest.setTimeout(60_000);

const RESET_MS = 1_000;
const TIMEOUT_MS = 500;
const BODY_LIMIT = 1_000;
const RESPONSE_LIMIT = 8_192;

let vhost: TestVhost;
let reseller: ResellerUnderTest;
let registry: FakeService;
let notifications: FakeService;
let gw: GatewayUnderTest;
let accounts: Accounts;

beforeAll(async () => {
  vhost = await createTestVhost('gateway_routing');
  reseller = await startReseller(vhost.url);
  registry = await startFakeService(PRINCIPAL_SECRET);
  notifications = await startFakeService(PRINCIPAL_SECRET);
  gw = await startGateway({
    upstreams: { reseller: reseller.url, 'runner-registry': registry.url, billing: DOWN_URL, notifications: notifications.url },
    env: { BREAKER_RESET_MS: String(RESET_MS), UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS), BODY_LIMIT_BYTES: String(BODY_LIMIT), RESPONSE_LIMIT_BYTES: String(RESPONSE_LIMIT), CORS_ORIGINS: 'https://app.example.com' },
  });
  accounts = await createAccounts(gw.url, reseller.adminKey, 'routing');
});

afterAll(async () => {
  await gw?.close();
  await registry?.close();
  await notifications?.close();
  await reseller?.close();
  await vhost?.drop();
  await closeAgents();
});

const get = (path: string, headers: Record<string, string> = {}) => call(gw.url, path, { key: accounts.customerKey, headers });

describe('routing', () => {
  it('passes an upstream 4xx through untouched', async () => {
    const result = await get('/v1/jobs/42');
    expect(result.status).toBe(404);
    expect(result.headers['content-type']).toContain('application/problem+json');
    expect(result.json()).toEqual({ type: 'urn:runfleet:problem:job-not-found', title: 'Not Found', status: 404, code: 'JOB_NOT_FOUND', detail: 'No job 42.' });
  });

  it('passes response bodies on byte for byte, binary and multi-byte UTF-8 alike', async () => {
    const response = await request(`${gw.url}/v1/feed/stream`, { headers: { authorization: `Bearer ${accounts.customerKey}` } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-length']).toBe(String(FAKE_ARTIFACT.length));
    expect(Buffer.from(await response.body.arrayBuffer()).equals(FAKE_ARTIFACT)).toBe(true);
    const json = await get('/v1/jobs/7');
    expect(Buffer.byteLength(json.text)).toBe(Number(json.headers['content-length']));
  });

  it('creates a correlation id when the client sends none and forwards the same one', async () => {
    const result = await get('/v1/jobs');
    expect(result.status).toBe(200);
    expect(result.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(registry.seen.at(-1)!.headers['x-correlation-id']).toBe(result.headers['x-correlation-id']);
  });

  it('forwards end-to-end headers and drops hop-by-hop ones, those the Connection header names included, and the client credentials', async () => {
    // node:http, not undici: undici refuses a Connection header other than keep-alive or close.
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${gw.url}/v1/jobs`, {
        headers: {
          authorization: `Bearer ${accounts.customerKey}`,
          connection: 'keep-alive, X-Hop-Secret',
          'x-hop-secret': 'only for the next hop',
          'x-end-to-end': 'kept',
          cookie: 'session=1',
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    const seen = registry.seen.at(-1)!.headers;
    expect(seen['x-end-to-end']).toBe('kept');
    expect(seen['x-runfleet-principal']).toEqual(expect.any(String));
    for (const dropped of ['x-hop-secret', 'authorization', 'cookie']) expect(seen[dropped]).toBeUndefined();
  });

  it('answers 404 for paths no service owns, internal routes and dot segments included', async () => {
    expect((await get('/v1/nothing-here')).json()).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND' });
    expect((await call(gw.url, '/internal/api-keys/verify', { key: accounts.customerKey, body: { key: accounts.customerKey } })).status).toBe(404);
    expect((await get('/v1/jobs/../../internal/api-keys/verify')).status).toBe(404);
    expect((await get('/v1/jobs/%2e%2e/%2e%2e/internal/api-keys/verify')).status).toBe(404);
  });

  it('sets helmet security headers and CORS headers for a configured origin only', async () => {
    const result = await get('/v1/jobs', { origin: 'https://app.example.com' });
    expect(result.headers['x-content-type-options']).toBe('nosniff');
    expect(result.headers['content-security-policy']).toContain("default-src 'self'");
    expect(result.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const preflight = await call(gw.url, '/v1/jobs', { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,idempotency-key' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('idempotency-key');
    const stranger = await get('/v1/jobs', { origin: 'https://evil.example.com' });
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('the public API and the gateway’s own routes', () => {
  it('answer with the same security headers, on success and on error alike', async () => {
    const securityHeaders = (headers: Record<string, string>) =>
      Object.fromEntries(Object.entries(headers).filter(([name]) => /^(content-security-policy|cross-origin-|origin-agent|referrer-policy|strict-transport|x-content-type|x-dns|x-download|x-frame|x-permitted|x-xss)/.test(name)));
    const own = securityHeaders((await call(gw.url, '/health/live')).headers);
    expect(Object.keys(own).length).toBeGreaterThanOrEqual(10);
    expect(securityHeaders((await get('/v1/jobs')).headers)).toEqual(own);
    expect(securityHeaders((await call(gw.url, '/v1/jobs')).headers)).toEqual(own);
    expect(securityHeaders((await get('/v1/nowhere')).headers)).toEqual(own);
  });

  it('time every public request in the request-duration histogram by routing-table prefix', async () => {
    await get('/v1/jobs');
    const text = await gw.gateway.metrics.registry.getSingleMetricAsString('http_request_duration_seconds');
    expect(text).toMatch(/http_request_duration_seconds_count\{[^}]*method="GET"[^}]*route="\/v1\/jobs"[^}]*status="200"/);
  });
});

describe('request bodies', () => {
  it('are forwarded while under the limit', async () => {
    const result = await call(gw.url, '/v1/runners', { key: accounts.customerKey, body: { note: 'x'.repeat(500) } });
    expect(result.status).toBe(200);
    expect(result.json().received).toBeGreaterThan(500);
  });

  it('over the limit get 413, whether declared by Content-Length or streamed in chunks', async () => {
    const declared = await call(gw.url, '/v1/runners', { key: accounts.customerKey, body: { note: 'x'.repeat(2 * BODY_LIMIT) } });
    expect(declared.status).toBe(413);
    expect(declared.json()).toMatchObject({ code: 'REQUEST_TOO_LARGE' });

    const before = registry.seen.length;
    const chunks = Readable.from((function* () {
      for (let i = 0; i < 10; i += 1) yield Buffer.from('x'.repeat(300));
    })());
    const streamed = await request(`${gw.url}/v1/runners`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accounts.customerKey}`, 'content-type': 'application/octet-stream' },
      body: chunks,
    });
    expect(streamed.statusCode).toBe(413);
    await streamed.body.dump();
    expect(registry.seen.length).toBe(before);
  });

  it('over the limit get a 413 that closes the connection and says so, so the next request on a keep-alive client succeeds', async () => {
    // One socket: a second request can only succeed on a fresh connection if the first was closed cleanly.
    const agent = new Agent({ connections: 1, pipelining: 1 });
    try {
      for (const idempotencyKey of [undefined, 'too-large-1']) {
        const chunks = Readable.from((function* () {
          for (let i = 0; i < 10; i += 1) yield Buffer.from('x'.repeat(300));
        })());
        const headers: Record<string, string> = { authorization: `Bearer ${accounts.customerKey}`, 'content-type': 'application/json' };
        if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
        const tooLarge = await request(`${gw.url}/v1/runners`, { method: 'POST', headers, body: chunks, dispatcher: agent });
        expect(tooLarge.statusCode).toBe(413);
        expect(tooLarge.headers.connection).toBe('close');
        await tooLarge.body.dump();
        const next = await request(`${gw.url}/v1/jobs`, { headers: { authorization: `Bearer ${accounts.customerKey}` }, dispatcher: agent });
        expect(next.statusCode).toBe(200);
        await next.body.dump();
      }
    } finally {
      await agent.close();
    }
  });
});

describe('response bodies', () => {
  it('are passed on up to the limit, streamed or not', async () => {
    for (const chunked of ['false', 'true']) {
      const result = await get(`/v1/feed/stream?size=${RESPONSE_LIMIT}&chunked=${chunked}`);
      expect(result.status).toBe(200);
      expect(result.text).toHaveLength(RESPONSE_LIMIT);
    }
  });

  it('past the limit get 502 when the upstream declares their size, and are cut off when it does not', async () => {
    const declared = await get(`/v1/feed/stream?size=${RESPONSE_LIMIT + 1}`);
    expect(declared.status).toBe(502);
    expect(declared.headers['content-type']).toContain('application/problem+json');
    expect(declared.json()).toMatchObject({ code: 'UPSTREAM_RESPONSE_TOO_LARGE' });

    // Headers went out before the size was known: the client sees the connection cut, never the excess.
    await expect(request(`${gw.url}/v1/feed/stream?size=${4 * RESPONSE_LIMIT}&chunked=true`, { headers: { authorization: `Bearer ${accounts.customerKey}` } }).then((r) => r.body.text())).rejects.toThrow();
  });
});

describe('an upstream that is down', () => {
  it('answers 503 with Retry-After, then fails fast once its breaker is open', async () => {
    const first = await get('/v1/wallets');
    expect(first.status).toBe(503);
    expect(first.json()).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(first.headers['retry-after']).toBeDefined();
    for (let i = 0; i < 5; i += 1) await get('/v1/wallets');
    const fast = await get('/v1/wallets');
    expect(fast.status).toBe(503);
    expect(fast.ms).toBeLessThan(50);
    expect(Number(fast.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(gw.gateway.upstreams.billing.state).toBe('open');
    // The other upstreams keep working: one breaker per upstream.
    expect((await get('/v1/jobs')).status).toBe(200);
    expect(await gw.gateway.metrics.registry.getSingleMetricAsString('gateway_circuit_breaker_state')).toMatch(/upstream="billing"[^\n]* 2/);
  });
});

describe('an upstream that answers it is unavailable', () => {
  it('has its 503s passed on and counted until the breaker opens, and is used again after the reset timeout', async () => {
    notifications.failWith = 503;
    const failures = [];
    for (let i = 0; i < 6; i += 1) failures.push((await get('/v1/feed')).status);
    expect(failures.slice(0, 5)).toEqual([503, 503, 503, 503, 503]);
    expect(gw.gateway.upstreams.notifications.state).toBe('open');
    const open = await get('/v1/feed');
    expect(open.status).toBe(503);
    expect(open.ms).toBeLessThan(50);

    notifications.failWith = null;
    await new Promise((resolve) => setTimeout(resolve, RESET_MS + 100));
    // the fake serves no GET /v1/feed: its 404 passes through, and counts as the upstream answering
    const recovered = await get('/v1/feed');
    expect(recovered.status).toBe(404);
    expect(gw.gateway.upstreams.notifications.state).toBe('closed');
  });
});

describe('an upstream that is slow', () => {
  it('gets 504 at the timeout instead of holding the client', async () => {
    registry.delayMs = 3_000;
    try {
      const result = await get('/v1/jobs');
      expect(result.status).toBe(504);
      expect(result.json()).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
      expect(result.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(result.ms).toBeLessThan(TIMEOUT_MS + 1_000);
    } finally {
      registry.delayMs = 0;
    }
  });
});

describe('services', () => {
  it('refuse a request sent straight to their port without a gateway-signed principal', async () => {
    const direct = await call(reseller.url, '/v1/me', { key: accounts.resellerKey });
    expect(direct.status).toBe(401);
    expect(direct.json()).toMatchObject({ code: 'AUTH_PRINCIPAL_MISSING' });
    const forged = await call(registry.url, '/v1/jobs', { headers: { 'x-runfleet-principal': 'v1.e30.forged' } });
    expect(forged.status).toBe(401);
  });
});

// Last in the file: the notifications upstream's successes here must not dilute the error rate the
// breaker test above counts within its 10 s window.
describe('event streams', () => {
  it('passes a Server-Sent Events stream (the live feed) on as it is written, not when it ends', async () => {
    const started = Date.now();
    const agent = new Agent();
    const arrivals: { at: number; text: string }[] = [];
    try {
      const response = await request(`${gw.url}/v1/feed/stream?events=3&gapMs=300`, { headers: { authorization: `Bearer ${accounts.customerKey}` }, dispatcher: agent });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('text/event-stream');
      for await (const chunk of response.body) arrivals.push({ at: Date.now() - started, text: Buffer.from(chunk as Uint8Array).toString('utf8') });
    } finally {
      await agent.close();
    }
    const text = arrivals.map((a) => a.text).join('');
    expect(text).toBe([1, 2, 3].map((n) => `id: ${n}\nevent: feed-item\ndata: {"n":${n}}\n\n`).join(''));
    // the first event arrived before the upstream wrote the last one (600 ms later)
    expect(arrivals[0]!.text).toContain('id: 1');
    expect(arrivals[0]!.at).toBeLessThan(arrivals.at(-1)!.at - 300);
  });
});
