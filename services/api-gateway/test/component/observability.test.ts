// What operators see of the gateway against the real reseller service, Redis and RabbitMQ (issue 12
// items 8 and 9): requests labelled by their route template, client errors logged at info, and a
// runner token the real runner-registry does not know refused and counted like any bad key, without
// an error line per request.
import { createTestVhost, type TestVhost } from '@runfleet/test-infra';
import { createAccounts, type Accounts } from '../support/accounts';
import { call, closeAgents, startGateway, type GatewayUnderTest } from '../support/gateway-under-test';
import { startRegistry, type RegistryUnderTest } from '../support/registry-under-test';
import { startReseller, type ResellerUnderTest } from '../support/reseller-under-test';

jest.setTimeout(60_000);

let vhost: TestVhost;
let reseller: ResellerUnderTest;
let registry: RegistryUnderTest;
let gw: GatewayUnderTest;
let accounts: Accounts;
const logged: string[] = [];
const logLines = () => logged.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);

beforeAll(async () => {
  vhost = await createTestVhost('gateway_observability');
  reseller = await startReseller(vhost.url);
  registry = await startRegistry(vhost.url);
  gw = await startGateway({
    upstreams: { reseller: reseller.url, 'runner-registry': registry.url },
    amqpUrl: vhost.url,
    env: { AUTH_FAILURES_PER_MINUTE: '3' },
    logDestination: { write: (line: string) => void logged.push(line) },
  });
  accounts = await createAccounts(gw.url, reseller.adminKey, 'observability');
});

afterAll(async () => {
  await gw?.close();
  await registry?.close();
  await reseller?.close();
  await vhost?.drop();
  await closeAgents();
});

function requestCount(route: string, status: string): Promise<number> {
  return gw.gateway.metrics.registry.getSingleMetricAsString('gateway_requests_total').then((text) => {
    const line = text.split('\n').find((l) => l.includes(`route="${route}"`) && l.includes(`status="${status}"`));
    return line ? Number(line.split(' ').pop()) : 0;
  });
}

describe('request metrics', () => {
  it('label a request by its route template, not by its routing prefix or its ids', async () => {
    await gw.gateway.routeTemplates.refresh();
    const project = await call(gw.url, '/v1/projects', { key: accounts.customerKey, body: { name: 'labelled' } });
    expect(project.status).toBe(201);
    const archived = await call(gw.url, `/v1/projects/${project.json().id}/archive`, { key: accounts.customerKey, method: 'POST' });
    expect(archived.status).toBe(200);
    expect((await call(gw.url, `/v1/projects/${project.json().id}`, { key: accounts.customerKey })).status).toBe(200);

    expect(await requestCount('/v1/projects/{projectId}/archive', '200')).toBe(1);
    expect(await requestCount('/v1/projects/{projectId}', '200')).toBe(1);
    expect(await requestCount('/v1/projects', '201')).toBe(1);
    const text = await gw.gateway.metrics.registry.getSingleMetricAsString('gateway_requests_total');
    expect(text).not.toContain(project.json().id);
    const histogram = await gw.gateway.metrics.registry.getSingleMetricAsString('http_request_duration_seconds');
    expect(histogram).toContain('route="/v1/projects/{projectId}/archive"');
  });
});

describe('/metrics', () => {
  it('is not served on the public port, only on the internal metrics port', async () => {
    const publicMetrics = await call(gw.url, '/metrics');
    expect(publicMetrics.status).toBe(404);
    expect(publicMetrics.text).not.toContain('gateway_requests_total');
    const internal = await call(gw.metricsUrl, '/metrics');
    expect(internal.status).toBe(200);
    expect(internal.headers['content-type']).toMatch(/^text\/plain/);
    expect(internal.text).toContain('gateway_requests_total');
    // Only metrics there: the public API is not reachable through the internal port either.
    expect((await call(gw.metricsUrl, '/v1/jobs', { key: accounts.customerKey })).status).toBe(404);
  });
});

describe('client errors', () => {
  it('are logged at info, not warn', async () => {
    const missing = await call(gw.url, '/v1/projects/00000000-0000-4000-8000-000000000000', { key: accounts.customerKey });
    expect(missing.status).toBe(404);
    const lines = logLines().filter((l) => l.correlationId === missing.headers['x-correlation-id']);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.map((l) => l.level)).not.toContain('warn');
  });
});

describe('an unknown runner token', () => {
  it('is refused by the registry with the same 401 as any bad key, counted by the failed-credential limiter, with no error log', async () => {
    const from = '127.0.0.31';
    const token = `rf_rt_${'r'.repeat(40)}`;
    const before = logLines().length;
    for (let i = 0; i < 3; i += 1) {
      const result = await call(gw.url, '/v1/jobs', { key: token, from });
      expect(result.status).toBe(401);
      expect(result.json()).toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' });
    }
    // The budget (3 a minute) is spent: the next attempt from that address is refused before anything else.
    const blocked = await call(gw.url, '/v1/jobs', { key: token, from });
    expect(blocked.status).toBe(429);
    expect(blocked.json()).toMatchObject({ code: 'AUTH_TOO_MANY_FAILURES' });
    const levels = logLines().slice(before).map((l) => l.level);
    expect(levels).not.toContain('error');
    expect(levels).not.toContain('warn');
  });
});
