// Registration tokens and runner registration through the API (issue 14 item 1): who may create
// tokens, shown once and stored hashed, use limit, expiry, revocation; runner tokens as the gateway
// verifies them; runner.registered.
import { createHmac } from 'node:crypto';
import { createWorld, GATEWAY, outboxEvents, registrantPrincipal, TOKEN_PEPPER, type World } from '../support/world';

jest.setTimeout(60_000);

let world: World;

beforeAll(async () => {
  world = await createWorld('registry_registration');
});

afterAll(async () => {
  await world?.close();
});

describe('registration tokens', () => {
  it('an admin creates a shared token; it is shown once and stored only as an HMAC with a pepper', async () => {
    const res = await world.as('admin').post('/v1/registration-tokens', { description: 'shared pool', maxUses: 2 });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ scope: 'shared', customerId: null, status: 'active', uses: 0, maxUses: 2 });
    expect(res.body.token).toMatch(/^rf_rg_[0-9A-Za-z]{12}_[0-9A-Za-z]{43}$/);
    const row = await world.prisma.registrationToken.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(row.secretHash).toBe(createHmac('sha256', TOKEN_PEPPER).update(res.body.token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(res.body.token.slice(19));
    const again = await world.as('admin').get(`/v1/registration-tokens/${res.body.id}`);
    expect(again.body.token).toBeUndefined();
  });

  it("a customer's token is its own: another customer and another reseller see 404, its reseller reads it", async () => {
    const { id } = await world.registrationToken('customerA');

    expect((await world.as('customerA').get(`/v1/registration-tokens/${id}`)).body).toMatchObject({ scope: 'customer', customerId: world.ids.customerA });
    expect((await world.as('resellerA').get(`/v1/registration-tokens/${id}`)).status).toBe(200);
    expect((await world.as('customerB').get(`/v1/registration-tokens/${id}`)).status).toBe(404);
    expect((await world.as('resellerB').get(`/v1/registration-tokens/${id}`)).status).toBe(404);
    expect((await world.as('customerB').post(`/v1/registration-tokens/${id}/revoke`)).status).toBe(404);
  });

  it('a reseller may not create tokens, and a customer may not create one for another customer', async () => {
    expect((await world.as('resellerA').post('/v1/registration-tokens', { description: 'x' })).status).toBe(403);
    const foreign = await world.as('customerA').post('/v1/registration-tokens', { description: 'x', customerId: world.ids.customerB });
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors).toEqual([expect.objectContaining({ field: 'body.customerId' })]);
  });

  it('bad input names the field and writes nothing', async () => {
    const before = await world.count('registration_token');
    const res = await world.as('admin').post('/v1/registration-tokens', { description: '', maxUses: 0, expiresAt: '2001-01-01T00:00:00Z' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.description', 'body.maxUses']);
    const past = await world.as('admin').post('/v1/registration-tokens', { description: 'old', expiresAt: '2001-01-01T00:00:00Z' });
    expect(past.body.errors).toEqual([expect.objectContaining({ field: 'body.expiresAt' })]);
    expect(await world.count('registration_token')).toBe(before);
  });
});

describe('registering a runner', () => {
  it('returns its runner token once (rf_rt_, HMAC-stored), emits runner.registered, and the gateway verifies it as a runner principal', async () => {
    const { token } = await world.registrationToken('admin');
    const runner = await world.registerRunner(token, { name: 'gpu-eu-1', jobTypes: ['render', 'encode'], labels: { gpu: 'a100' }, capacity: 4, version: '1.4.2' });

    expect(runner.token).toMatch(/^rf_rt_[0-9A-Za-z]{12}_[0-9A-Za-z]{43}$/);
    expect(runner.body).toMatchObject({ name: 'gpu-eu-1', scope: 'shared', status: 'active', capacity: 4, labels: { gpu: 'a100' } });
    const row = await world.prisma.runner.findUniqueOrThrow({ where: { id: runner.id } });
    expect(row.secretHash).toBe(createHmac('sha256', TOKEN_PEPPER).update(runner.token).digest('hex'));
    expect(await outboxEvents(world.prisma, 'runner.registered')).toContainEqual({
      runnerId: runner.id,
      name: 'gpu-eu-1',
      jobTypes: ['render', 'encode'],
      labels: { gpu: 'a100' },
      capacity: 4,
      version: '1.4.2',
    });

    const verified = await world.as(GATEWAY).post('/internal/runner-tokens/verify', { key: runner.token });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({
      keyId: runner.id,
      principal: { type: 'runner', id: runner.id, resellerId: null, scopes: [] },
      allowedIps: [],
      rateLimit: null,
      expiresAt: null,
    });
    expect((await world.as(runner.principal).get('/v1/runners/me')).body).toMatchObject({ id: runner.id, name: 'gpu-eu-1' });
  });

  it('a wrong, malformed or other-kind token gets one 401 answer; only the gateway may verify', async () => {
    const { token } = await world.registrationToken('admin');
    const runner = await world.registerRunner(token);
    const tampered = `${runner.token.slice(0, -1)}${runner.token.endsWith('a') ? 'b' : 'a'}`;
    for (const key of [tampered, 'rf_rt_nope', token]) {
      const res = await world.as(GATEWAY).post('/internal/runner-tokens/verify', { key });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('AUTH_TOKEN_INVALID');
    }
    expect((await world.as('admin').post('/internal/runner-tokens/verify', { key: runner.token })).status).toBe(403);
    expect((await world.as(runner.principal).post('/internal/registration-tokens/verify', { key: token })).status).toBe(403);
  });

  it('a token with a use limit registers that many runners, then 401 (and verifies no more)', async () => {
    const { id, token } = await world.registrationToken('admin', { maxUses: 1 });
    await world.registerRunner(token);

    const again = await world.as(registrantPrincipal(id)).post('/v1/runners', { name: 'r2', jobTypes: ['render'], capacity: 1, version: '1' });
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('AUTH_REGISTRATION_TOKEN_INVALID');
    expect((await world.as(GATEWAY).post('/internal/registration-tokens/verify', { key: token })).status).toBe(401);
    expect((await world.as('admin').get(`/v1/registration-tokens/${id}`)).body).toMatchObject({ uses: 1, status: 'used_up' });
  });

  it('a revoked token registers nothing even while a principal for it is still cached at the gateway', async () => {
    const { id, token } = await world.registrationToken('customerA');
    const verified = await world.as(GATEWAY).post('/internal/registration-tokens/verify', { key: token });
    expect((await world.as('customerA').post(`/v1/registration-tokens/${id}/revoke`)).status).toBe(200);
    const before = await world.count('runner');

    const res = await world.as(verified.body.principal).post('/v1/runners', { name: 'late', jobTypes: ['render'], capacity: 1, version: '1' });
    expect(res.status).toBe(401);
    expect(await world.count('runner')).toBe(before);
    expect((await world.as('customerA').post(`/v1/registration-tokens/${id}/revoke`)).status).toBe(409);
  });

  it('an expired token registers nothing', async () => {
    const { id } = await world.registrationToken('admin', { expiresAt: new Date(Date.now() + 60_000).toISOString() });
    world.clock.advance(120_000);
    try {
      const res = await world.as(registrantPrincipal(id)).post('/v1/runners', { name: 'late', jobTypes: ['render'], capacity: 1, version: '1' });
      expect(res.status).toBe(401);
    } finally {
      world.clock.advance(-120_000);
    }
  });

  it("a customer's token registers a runner of that customer, which only it (and admins, and its reseller) can see", async () => {
    const { token } = await world.registrationToken('customerB');
    const runner = await world.registerRunner(token);

    expect(runner.body).toMatchObject({ scope: 'customer', customerId: world.ids.customerB, resellerId: world.ids.resellerB });
    expect((await world.as('customerB').get(`/v1/runners/${runner.id}`)).status).toBe(200);
    expect((await world.as('resellerB').get(`/v1/runners/${runner.id}`)).status).toBe(200);
    expect((await world.as('admin').get(`/v1/runners/${runner.id}`)).status).toBe(200);
    expect((await world.as('customerA').get(`/v1/runners/${runner.id}`)).status).toBe(404);
    expect((await world.as('resellerA').get(`/v1/runners/${runner.id}`)).status).toBe(404);
  });

  it('a registration principal can do nothing but register, and a runner principal cannot register', async () => {
    const { id, token } = await world.registrationToken('admin');
    const runner = await world.registerRunner(token);
    expect((await world.as(registrantPrincipal(id)).get('/v1/runners/me')).status).toBe(403);
    expect((await world.as(registrantPrincipal(id)).get('/v1/jobs')).status).toBe(403);
    expect((await world.as(runner.principal).post('/v1/runners', { name: 'x', jobTypes: ['render'], capacity: 1, version: '1' })).status).toBe(403);
  });

  it('bad registration input names the field and registers nothing', async () => {
    const { id } = await world.registrationToken('admin');
    const before = await world.count('runner');
    const res = await world.as(registrantPrincipal(id)).post('/v1/runners', { name: 'x', jobTypes: ['Not A Type'], capacity: 0, version: '1', labels: { ok: 1 } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.capacity', 'body.jobTypes.0', 'body.labels.ok']);
    expect(await world.count('runner')).toBe(before);
  });
});
