// Several replicas per upstream (issue 18 item 3; DESIGN.md §9): requests balanced round-robin, a
// breaker per replica, and a dead replica's refused connections moved to the next one — but a
// POST that may have reached a service is never sent a second time.
import { createServer, type Server, type Socket } from 'node:net';
import { createTestVhost, type TestVhost } from '@runfleet/test-infra';
import { createAccounts, type Accounts } from '../support/accounts';
import { startFakeService, type FakeService } from '../support/fake-service';
import { DOWN_URL, PRINCIPAL_SECRET, call, closeAgents, startGateway, type GatewayUnderTest } from '../support/gateway-under-test';
import { startReseller, type ResellerUnderTest } from '../support/reseller-under-test';

jest.setTimeout(60_000);

let vhost: TestVhost;
let reseller: ResellerUnderTest;
let first: FakeService;
let second: FakeService;
let accounts: Accounts;
const gateways: GatewayUnderTest[] = [];

/** A "replica" that takes the connection and the whole request, then drops the socket without answering. */
async function startDroppingServer(): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const state = { requests: [] as string[] };
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk) => {
      const text = chunk.toString('latin1');
      if (text.includes('\r\n\r\n')) {
        state.requests.push(text.split(' ', 2).join(' '));
        socket.destroy();
      }
    });
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

async function gatewayWithRegistry(origins: string[]): Promise<GatewayUnderTest> {
  const gw = await startGateway({
    upstreams: { reseller: reseller.url, 'runner-registry': origins.join(', '), billing: DOWN_URL, notifications: DOWN_URL },
    env: { BREAKER_RESET_MS: '60000' },
  });
  gateways.push(gw);
  return gw;
}

beforeAll(async () => {
  vhost = await createTestVhost('gateway_replicas');
  reseller = await startReseller(vhost.url);
  first = await startFakeService(PRINCIPAL_SECRET);
  second = await startFakeService(PRINCIPAL_SECRET);
  const gw = await gatewayWithRegistry([first.url, second.url]);
  accounts = await createAccounts(gw.url, reseller.adminKey, 'replicas');
});

afterAll(async () => {
  for (const gw of gateways) await gw.close();
  await first?.close();
  await second?.close();
  await reseller?.close();
  await vhost?.drop();
  await closeAgents();
});

beforeEach(() => {
  for (const replica of [first, second]) {
    replica.seen.length = 0;
    replica.executions = 0;
  }
});

const submit = (gw: GatewayUnderTest, key: string) =>
  call(gw.url, '/v1/jobs', { method: 'POST', key: accounts.customerKey, headers: { 'idempotency-key': key }, body: { type: 'build' } });

describe('an upstream with two replicas', () => {
  it('gets requests in turn, one replica then the other', async () => {
    const gw = gateways[0]!;
    for (let i = 0; i < 10; i += 1) expect((await call(gw.url, '/v1/jobs', { key: accounts.customerKey })).status).toBe(200);

    // the gateway's own background reads (OpenAPI documents) may take a turn in between
    expect(first.seen.length).toBeGreaterThanOrEqual(4);
    expect(second.seen.length).toBeGreaterThanOrEqual(4);
  });

  it('whose one replica is down keeps answering GETs and POSTs from the other, each POST run once', async () => {
    const gw = await gatewayWithRegistry([DOWN_URL, first.url]);

    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await call(gw.url, '/v1/jobs', { key: accounts.customerKey })).status);
    for (let i = 0; i < 6; i += 1) statuses.push((await submit(gw, `down-${i}`)).status);
    // a POST without Idempotency-Key, its body held to be sent again
    statuses.push((await call(gw.url, '/v1/runners', { method: 'POST', key: accounts.customerKey, body: { hello: 'world' } })).status);

    expect(statuses).toEqual([...Array(6).fill(200), ...Array(6).fill(201), 200]);
    expect(first.executions).toBe(6);
    // the dead replica's breaker opened on its refused connections; the upstream is degraded, not down
    expect(gw.gateway.upstreams['runner-registry'].replicas.map((r) => r.state)).toEqual(['open', 'closed']);
    expect(gw.gateway.upstreams['runner-registry'].state).toBe('half_open');
    const health = await fetch(`${gw.url}/health/ready`).then((r) => r.json() as Promise<{ checks: Record<string, string> }>);
    expect(health.checks['runner-registry']).toBe('ok');
  });

  it('answers 503 when every replica is down', async () => {
    const gw = await gatewayWithRegistry([DOWN_URL, 'http://127.0.0.1:10']);

    const result = await call(gw.url, '/v1/jobs', { key: accounts.customerKey });

    expect(result.status).toBe(503);
    expect(result.json()).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    const health = await fetch(`${gw.url}/health/ready`).then((r) => r.json() as Promise<{ checks: Record<string, string> }>);
    expect(health.checks['runner-registry']).toMatch(/^fail/);
  });

  it('never sends a POST again once a replica may have received it, but moves a GET on', async () => {
    const dropping = await startDroppingServer();
    try {
      const gw = await gatewayWithRegistry([dropping.url, first.url]);

      // round-robin alternates (the gateway's own background reads move the turn too), so of
      // four POSTs and four GETs some reach the dropping replica
      const posts: number[] = [];
      for (let i = 0; i < 4; i += 1) posts.push((await submit(gw, `dropped-${i}`)).status);
      const droppedPosts = dropping.requests.filter((r) => r === 'POST /v1/jobs').length;
      const gets: number[] = [];
      for (let i = 0; i < 4; i += 1) gets.push((await call(gw.url, '/v1/jobs', { key: accounts.customerKey })).status);

      expect(droppedPosts).toBeGreaterThan(0);
      // each POST reached one replica only: the dropped ones answer 502, never run on the other
      expect(posts.filter((status) => status === 502)).toHaveLength(droppedPosts);
      expect(first.executions).toBe(4 - droppedPosts);
      expect(posts.filter((status) => status === 201)).toHaveLength(4 - droppedPosts);
      // the dropped GETs were answered by the other replica
      expect(dropping.requests.filter((r) => r === 'GET /v1/jobs').length).toBeGreaterThan(0);
      expect(gets).toEqual([200, 200, 200, 200]);
    } finally {
      await dropping.close();
    }
  });
});

describe('the gateway configuration', () => {
  it('refuses a list with a URL that is not http(s)', async () => {
    await expect(startGateway({ upstreams: { billing: 'http://127.0.0.1:1, ftp://x' } })).rejects.toThrow(/BILLING_URL/);
  });
});
