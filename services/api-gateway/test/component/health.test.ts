// The gateway's /health/ready (issue 2 item 6): every service reported by name, with Redis and
// the broker, and 503 as soon as any of them is not ready.
import { createTestVhost, type TestVhost } from '@runfleet/test-infra';
import { startFakeService, type FakeService } from '../support/fake-service';
import { DOWN_URL, PRINCIPAL_SECRET, call, closeAgents, startGateway } from '../support/gateway-under-test';

jest.setTimeout(30_000);

let vhost: TestVhost;
let services: FakeService[];

beforeAll(async () => {
  vhost = await createTestVhost('gateway_health');
  services = await Promise.all([0, 1, 2, 3].map(() => startFakeService(PRINCIPAL_SECRET)));
});

afterAll(async () => {
  await Promise.all(services.map((s) => s.close()));
  await vhost?.drop();
  await closeAgents();
});

const upstreamsFrom = (urls: string[]) => ({ reseller: urls[0], billing: urls[1], 'runner-registry': urls[2], notifications: urls[3] });

async function waitForReady(url: string, status: number): Promise<ReturnType<typeof call>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const result = await call(url, '/health/ready');
    if (result.status === status || Date.now() > deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('/health/ready', () => {
  it('is 200 and names the gateway, each of the four services, Redis and the broker when all are ready', async () => {
    const gw = await startGateway({ upstreams: upstreamsFrom(services.map((s) => s.url)), amqpUrl: vhost.url });
    try {
      const result = await waitForReady(gw.url, 200);
      expect(result.status).toBe(200);
      expect(result.json()).toEqual({
        status: 'ok',
        checks: { 'api-gateway': 'ok', reseller: 'ok', billing: 'ok', 'runner-registry': 'ok', notifications: 'ok', redis: 'ok', amqp: 'ok' },
      });
    } finally {
      await gw.close();
    }
  });

  it('is 503 naming the service that is down, while the others stay ok', async () => {
    const urls = services.map((s) => s.url);
    urls[1] = DOWN_URL;
    const gw = await startGateway({ upstreams: upstreamsFrom(urls), amqpUrl: vhost.url, healthTimeoutMs: 500 });
    try {
      const result = await waitForReady(gw.url, 503);
      expect(result.status).toBe(503);
      const { checks } = result.json();
      expect(checks.billing).toMatch(/^fail: /);
      expect(checks.reseller).toBe('ok');
      expect(checks['api-gateway']).toBe('ok');
      // liveness is about the process only
      expect((await call(gw.url, '/health/live')).status).toBe(200);
    } finally {
      await gw.close();
    }
  });
});
