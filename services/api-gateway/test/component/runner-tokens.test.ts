// Runner credentials through the gateway against the real runner-registry, Redis and RabbitMQ
// (issue 14 item 1 and its acceptance): a runner registers with a registration token (rf_rg_),
// calls its own API with the runner token it got (rf_rt_), and once disabled is refused within 1 s
// although its principal was cached.
import { randomUUID } from 'node:crypto';
import { createTestVhost, type TestVhost } from '@runfleet/test-infra';
import { createRegistrationToken, revokeRegistrationToken } from '../../../runner-registry/src/domain/registration-tokens';
import { disableRunner } from '../../../runner-registry/src/domain/runners';
import { call, closeAgents, startGateway, type GatewayUnderTest } from '../support/gateway-under-test';
import { startRegistry, type RegistryUnderTest } from '../support/registry-under-test';

jest.setTimeout(60_000);

let vhost: TestVhost;
let registry: RegistryUnderTest;
let gw: GatewayUnderTest;
const admin = { type: 'admin' as const, id: randomUUID() };

beforeAll(async () => {
  vhost = await createTestVhost('gateway_runner_tokens');
  registry = await startRegistry(vhost.url);
  gw = await startGateway({ upstreams: { 'runner-registry': registry.url }, amqpUrl: vhost.url });
});

afterAll(async () => {
  await gw?.close();
  await registry?.close();
  await vhost?.drop();
  await closeAgents();
});

async function register(name: string): Promise<{ id: string; token: string }> {
  const { token: registrationToken } = await createRegistrationToken(registry.deps, admin, { description: name });
  const res = await call(gw.url, '/v1/runners', { key: registrationToken, body: { name, jobTypes: ['render'], capacity: 1, version: '1.0.0' } });
  expect(res.status).toBe(201);
  return { id: res.json().id, token: res.json().token };
}

describe('runner credentials at the gateway', () => {
  it('a registration token registers a runner, whose runner token then reaches its own API — and neither goes further', async () => {
    const { token: registrationToken } = await createRegistrationToken(registry.deps, admin, { description: 'rack 1' });
    const registered = await call(gw.url, '/v1/runners', { key: registrationToken, body: { name: 'gpu-1', jobTypes: ['render'], capacity: 2, version: '1.0.0' } });
    expect(registered.status).toBe(201);
    const { id, token } = registered.json();
    expect(token).toMatch(/^rf_rt_/);

    const me = await call(gw.url, '/v1/runners/me', { key: token });
    expect(me.status).toBe(200);
    expect(me.json()).toMatchObject({ id, name: 'gpu-1' });
    expect((await call(gw.url, '/v1/runners/me/jobs/claim', { key: token, body: { waitSeconds: 0 } })).status).toBe(204);
    // a registration token is good for registering only; a runner token for the runner API only
    // (the gateway itself refuses a registration token beyond POST /v1/runners: its only scope is runners:register)
    const registrationBeyond = await call(gw.url, '/v1/runners/me', { key: registrationToken });
    expect(registrationBeyond.status).toBe(403);
    expect(registrationBeyond.json()).toMatchObject({ code: 'AUTH_SCOPE_MISSING' });
    expect((await call(gw.url, '/v1/jobs', { key: registrationToken })).json()).toMatchObject({ code: 'AUTH_SCOPE_MISSING' });
    expect((await call(gw.url, '/v1/jobs', { key: token })).status).toBe(403);
    expect((await call(gw.url, '/v1/runners', { key: token, body: { name: 'x', jobTypes: ['render'], capacity: 1, version: '1' } })).status).toBe(403);
    // a made-up token of either kind: the gateway's one 401
    expect((await call(gw.url, '/v1/runners/me', { key: `rf_rt_${'A'.repeat(12)}_${'b'.repeat(43)}` })).status).toBe(401);
    expect((await call(gw.url, '/v1/runners', { key: `rf_rg_${'A'.repeat(12)}_${'b'.repeat(43)}`, body: {} })).status).toBe(401);
  });

  it('a revoked registration token registers nothing more at once, although the gateway still has it cached', async () => {
    const { record, token: registrationToken } = await createRegistrationToken(registry.deps, admin, { description: 'rack 2' });
    const body = { name: 'r', jobTypes: ['render'], capacity: 1, version: '1.0.0' };
    expect((await call(gw.url, '/v1/runners', { key: registrationToken, body })).status).toBe(201);
    const runners = await registry.prisma.runner.count();
    // No event drops a registration token from the gateway's cache: the registry re-checks it under
    // its row lock at every registration, so the revocation bites on the very next request.
    await revokeRegistrationToken(registry.deps, admin, record.id);
    const refused = await call(gw.url, '/v1/runners', { key: registrationToken, body });
    expect(refused.status).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'AUTH_REGISTRATION_TOKEN_INVALID' });
    expect(await registry.prisma.runner.count()).toBe(runners);
  });

  it('a disabled runner’s token gets 401 within 1 s of runner.revoked, although its principal was cached', async () => {
    const { id, token } = await register('to-disable');
    expect((await call(gw.url, '/v1/runners/me', { key: token })).status).toBe(200);
    expect((await call(gw.url, '/v1/runners/me', { key: token })).status).toBe(200);

    await disableRunner(registry.deps, admin, id);
    const disabledAt = Date.now();
    let status = 200;
    // Probed on a route the registry answers (404, no such job) without looking at the runner's
    // status, so only the gateway can turn it into 401: the registry itself refuses /v1/runners/me.
    while (status !== 401 && Date.now() - disabledAt < 5_000) {
      status = (await call(gw.url, '/v1/runners/me/jobs/00000000-0000-4000-8000-000000000000', { key: token, from: '127.0.6.1' })).status;
      if (status !== 401) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(status).toBe(401);
    expect(Date.now() - disabledAt).toBeLessThan(1_000);
  });
});
