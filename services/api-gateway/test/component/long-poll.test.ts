// A runner's long-polling claim through the real gateway and the real runner-registry: the registry
// waits up to its CLAIM_MAX_WAIT_SECONDS for a job, longer than the gateway's UPSTREAM_TIMEOUT_MS,
// and the runner must get the registry's answer (204 when no job came), not the gateway's 504. The
// settings are scaled down (the registry waits 3 s, the gateway's usual timeout is 1 s) so the suite
// stays short; the defaults are 30 s and 10 s.
import { randomUUID } from 'node:crypto';
import { createTestVhost, type TestVhost } from '@runfleet/test-infra';
import { createRegistrationToken } from '../../../runner-registry/src/domain/registration-tokens';
import { call, closeAgents, startGateway, type GatewayUnderTest } from '../support/gateway-under-test';
import { startRegistry, type RegistryUnderTest } from '../support/registry-under-test';

jest.setTimeout(60_000);

const REGISTRY_WAIT_SECONDS = 3;
const UPSTREAM_TIMEOUT_MS = 1000;

let vhost: TestVhost;
let registry: RegistryUnderTest;
const gateways: GatewayUnderTest[] = [];
const admin = { type: 'admin' as const, id: randomUUID() };

beforeAll(async () => {
  vhost = await createTestVhost('gateway_long_poll');
  registry = await startRegistry(vhost.url, { claimMaxWaitSeconds: REGISTRY_WAIT_SECONDS });
});

afterAll(async () => {
  for (const gw of gateways) await gw.close();
  await registry?.close();
  await vhost?.drop();
  await closeAgents();
});

async function gatewayWith(env: Record<string, string>): Promise<GatewayUnderTest> {
  const gw = await startGateway({ upstreams: { 'runner-registry': registry.url }, env: { UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS), ...env } });
  gateways.push(gw);
  return gw;
}

async function runnerToken(gw: GatewayUnderTest, name: string): Promise<string> {
  const { token: registrationToken } = await createRegistrationToken(registry.deps, admin, { description: name });
  const res = await call(gw.url, '/v1/runners', { key: registrationToken, body: { name, jobTypes: ['render'], capacity: 1, version: '1.0.0' } });
  expect(res.status).toBe(201);
  return res.json().token;
}

describe('a runner long-polling for a job through the gateway', () => {
  it('a claim that waits longer than the gateway’s upstream timeout gets the registry’s 204, not 504', async () => {
    const gw = await gatewayWith({ CLAIM_MAX_WAIT_SECONDS: String(REGISTRY_WAIT_SECONDS) });
    const token = await runnerToken(gw, 'patient');
    const claim = await call(gw.url, '/v1/runners/me/jobs/claim', { key: token, body: {} });
    expect({ status: claim.status, body: claim.text }).toEqual({ status: 204, body: '' });
    // it really waited the registry's whole wait, well past the gateway's usual 1 s
    expect(claim.ms).toBeGreaterThanOrEqual(REGISTRY_WAIT_SECONDS * 1000 - 100);
    // the long wait is for the claim alone: other routes keep the usual timeout
    expect((await call(gw.url, '/v1/runners/me', { key: token })).status).toBe(200);
  });

  it('claims cut off by a gateway set to a shorter wait than the registry’s get 504, and do not open the registry’s breaker', async () => {
    const token = await runnerToken(await gatewayWith({ CLAIM_MAX_WAIT_SECONDS: String(REGISTRY_WAIT_SECONDS) }), 'hasty');
    // misconfigured: this gateway believes claims wait 1 s, so it gives up at 1 s + 1 s, while the registry waits 3 s
    const gw = await gatewayWith({ CLAIM_MAX_WAIT_SECONDS: '1' });
    expect((await call(gw.url, '/v1/runners/me', { key: token })).status).toBe(200);
    const claims = await Promise.all(Array.from({ length: 6 }, () => call(gw.url, '/v1/runners/me/jobs/claim', { key: token, body: {} })));
    expect(claims.map((c) => c.status)).toEqual(Array(6).fill(504));
    expect(claims[0]!.json()).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    // six timeouts among eight calls would open a breaker (at least 5 calls, 50 % failed): the rest of
    // the runner API must still answer
    expect(gw.gateway.upstreams['runner-registry'].state).toBe('closed');
    expect((await call(gw.url, '/v1/runners/me', { key: token })).status).toBe(200);
  });

  it('while more runners long-poll than the gateway keeps sockets to the registry (128), the runner API still answers at once', async () => {
    const gw = await gatewayWith({ CLAIM_MAX_WAIT_SECONDS: String(REGISTRY_WAIT_SECONDS) });
    const token = await runnerToken(gw, 'crowd');
    expect((await call(gw.url, '/v1/runners/me', { key: token })).status).toBe(200);
    const started = Date.now();
    const claims = Promise.all(Array.from({ length: 140 }, (_, i) => call(gw.url, '/v1/runners/me/jobs/claim', { key: token, body: {}, from: `127.0.7.${(i % 4) + 1}` })));
    // once the registry holds as many claims open as the gateway had sockets, any more queue behind them
    while (registry.claimsWaiting() < 128) {
      if (Date.now() - started > REGISTRY_WAIT_SECONDS * 1000) throw new Error(`only ${registry.claimsWaiting()} claims reached the registry`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const me = await call(gw.url, '/v1/runners/me', { key: token });
    expect(me.status).toBe(200);
    expect(me.ms).toBeLessThan(1000);
    expect((await claims).map((c) => c.status)).toEqual(Array(140).fill(204));
  });
});
