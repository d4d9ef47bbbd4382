// API keys end to end through the HTTP API: who may create keys for whom, the raw key shown once,
// verification for the gateway, revocation, rotation with a grace period, owners switched off.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createWorld, GATEWAY, outboxEvents, type ActorName, type World } from '../support/world';

let world: World;

beforeAll(async () => {
  world = await createWorld('reseller_apikeys');
});

afterAll(async () => {
  await world?.close();
});

const KEY_FORMAT = /^rf_sk_([0-9A-Za-z]{12})_[0-9A-Za-z]{43}$/;

async function issue(caller: ActorName, body: object = {}) {
  const res = await world.as(caller).post('/v1/api-keys', { name: 'test key', ...body });
  expect(res.status).toBe(201);
  return res.body as { id: string; key: string; prefix: string; last4: string; status: string };
}

const verify = (key: string) => world.as(GATEWAY).post('/internal/api-keys/verify', { key });

describe('creating API keys', () => {
  it('returns the raw key once with its public prefix and last 4, and never again', async () => {
    const created = await issue('customerA', { scopes: ['jobs:write'], rateLimitPerMinute: 120 });

    expect(created.key).toMatch(KEY_FORMAT);
    expect(created.prefix).toBe(created.key.slice(0, 'rf_sk_'.length + 12));
    expect(created.last4).toBe(created.key.slice(-4));
    expect(created).toMatchObject({ ownerType: 'customer', ownerId: world.ids.customerA, resellerId: world.ids.resellerA, status: 'active' });
    const secret = created.key.slice(created.prefix.length + 1);
    const again = await world.as('customerA').get(`/v1/api-keys/${created.id}`);
    const listed = await world.as('customerA').get('/v1/api-keys');
    for (const res of [again, listed]) {
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toContain(secret);
      expect(JSON.stringify(res.body)).not.toContain('"key"');
      expect(JSON.stringify(res.body)).not.toMatch(/hash/i);
    }
  });

  it('lets each kind of account create keys exactly for whom issue 4 allows', async () => {
    const cases: [ActorName, object, number][] = [
      ['admin', { ownerType: 'admin' }, 201],
      ['admin', { ownerType: 'admin', ownerId: randomUUID() }, 201],
      ['admin', { ownerType: 'reseller', ownerId: world.ids.resellerB }, 201],
      ['admin', { ownerType: 'customer', ownerId: world.ids.direct }, 201],
      ['resellerA', {}, 201],
      ['resellerA', { ownerType: 'customer', ownerId: world.ids.customerA }, 201],
      ['resellerA', { ownerType: 'customer', ownerId: world.ids.customerB }, 404],
      ['resellerA', { ownerType: 'reseller', ownerId: world.ids.resellerB }, 404],
      ['resellerA', { ownerType: 'admin' }, 403],
      ['customerA', {}, 201],
      ['customerA', { ownerType: 'customer', ownerId: world.ids.direct }, 404],
      ['customerA', { ownerType: 'reseller', ownerId: world.ids.resellerA }, 403],
      ['direct', { ownerType: 'admin' }, 403],
    ];
    const outcomes = [];
    for (const [caller, body] of cases) {
      const res = await world.as(caller).post('/v1/api-keys', { name: 'who-for-whom', ...body });
      outcomes.push([caller, body, res.status]);
    }
    expect(outcomes).toEqual(cases);
  });

  it('requires ownerId when an account names another kind of owner', async () => {
    const before = await world.count('api_key');

    const res = await world.as('admin').post('/v1/api-keys', { name: 'x', ownerType: 'customer' });

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'body.ownerId', message: expect.any(String) }]);
    expect(await world.count('api_key')).toBe(before);
  });

  it.each([
    ['name', { name: '' }],
    ['scopes', { scopes: ['Not A Scope'] }],
    ['allowedIps', { allowedIps: ['10.0.0.0/33'] }],
    ['allowedIps', { allowedIps: ['example.com'] }],
    ['rateLimitPerMinute', { rateLimitPerMinute: 0 }],
    ['expiresAt', { expiresAt: 'tomorrow' }],
    ['expiresAt', { expiresAt: '2001-01-01T00:00:00Z' }],
    ['ownerType', { ownerType: 'runner' }],
    ['ownerId', { ownerId: 'not-a-uuid' }],
    ['secretHash', { secretHash: 'ab'.repeat(32) }],
    ['lookupId', { lookupId: 'chosenbyme12' }],
    ['revokedAt', { revokedAt: null }],
  ])('rejects an invalid %s with 400 naming it, writing nothing', async (field, body) => {
    const before = await world.count('api_key');

    const res = await world.as('admin').post('/v1/api-keys', { name: 'invalid', ...body });

    expect(res.status).toBe(400);
    const fields: string[] = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields.filter((f) => f === `body.${field}` || f.startsWith(`body.${field}.`))).not.toEqual([]);
    expect(await world.count('api_key')).toBe(before);
  });

  it('refuses a key for a deactivated customer with 409', async () => {
    const customer = await world.as('resellerA').post('/v1/customers', { name: 'Soon gone', email: 'gone@example.com' });
    await world.as('resellerA').patch(`/v1/customers/${customer.body.id}`, { active: false });

    const res = await world.as('resellerA').post('/v1/api-keys', { name: 'x', ownerType: 'customer', ownerId: customer.body.id });

    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CUSTOMER_INACTIVE');
  });

  it('records the creation in the audit log without the key', async () => {
    const created = await issue('resellerA');

    const audit = await world.prisma.auditEvent.findFirstOrThrow({ where: { action: 'apikey.created', targetId: created.id } });

    expect(audit).toMatchObject({ actorType: 'reseller', actorId: world.ids.resellerA, resellerId: world.ids.resellerA });
    expect(JSON.stringify(audit.details)).not.toContain(created.key.slice(created.prefix.length + 1));
  });
});

describe('listing API keys', () => {
  it('filters by owner and revocation, and pages with a cursor', async () => {
    const owner = await world.as('admin').post('/v1/customers', { name: 'Lister', email: 'lister@example.com' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await issue('admin', { ownerType: 'customer', ownerId: owner.body.id })).id);
    await world.as('admin').post(`/v1/api-keys/${ids[0]}/revoke`);

    const first = await world.as('admin').get(`/v1/api-keys?ownerType=customer&ownerId=${owner.body.id}&limit=2`);
    const second = await world.as('admin').get(`/v1/api-keys?ownerType=customer&ownerId=${owner.body.id}&limit=2&cursor=${first.body.nextCursor}`);
    const unrevoked = await world.as('admin').get(`/v1/api-keys?ownerId=${owner.body.id}&revoked=false`);

    expect(first.body.items.map((k: { id: string }) => k.id)).toEqual([ids[2], ids[1]]);
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: ids[0], status: 'revoked' })], nextCursor: null });
    expect(unrevoked.body.items.map((k: { id: string }) => k.id)).toEqual([ids[2], ids[1]]);
  });

  it('rejects a cursor it did not issue with 400 naming cursor', async () => {
    const res = await world.as('admin').get('/v1/api-keys?cursor=bm90LWEtY3Vyc29y');

    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.errors)).toContain('cursor');
  });
});

describe('verifying API keys (gateway only)', () => {
  it("answers a customer key's principal, IP list, rate limit and expiry", async () => {
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const created = await issue('customerA', { scopes: ['jobs:read'], allowedIps: ['203.0.113.0/24'], rateLimitPerMinute: 60, expiresAt });

    const res = await verify(created.key);

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      keyId: created.id,
      principal: { type: 'customer', id: world.ids.customerA, resellerId: world.ids.resellerA, scopes: ['jobs:read'] },
      allowedIps: ['203.0.113.0/24'],
      rateLimit: { requestsPerMinute: 60 },
      expiresAt,
    });
  });

  it('answers a reseller key with the reseller as its own resellerId, and an admin key with none', async () => {
    const reseller = await issue('resellerB');
    const admin = await issue('admin');

    expect((await verify(reseller.key)).body.principal).toEqual({
      type: 'reseller',
      id: world.ids.resellerB,
      resellerId: world.ids.resellerB,
      scopes: [],
    });
    expect((await verify(admin.key)).body).toMatchObject({
      principal: { type: 'admin', id: world.ids.admin, resellerId: null },
      rateLimit: null,
      expiresAt: null,
    });
  });

  it('answers every kind of bad key with the same 401 body', async () => {
    const good = await issue('customerB');
    const revoked = await issue('customerB');
    await world.as('customerB').post(`/v1/api-keys/${revoked.id}/revoke`);
    const expiring = await issue('customerB', { expiresAt: new Date(Date.now() + 60_000).toISOString() });
    const lookup = good.prefix.slice('rf_sk_'.length);
    const wrongSecret = `rf_sk_${lookup}_${'A'.repeat(43)}`;
    const unknown = `rf_sk_${'Z'.repeat(12)}_${'A'.repeat(43)}`;

    world.clock.advance(120_000);
    try {
      const bodies = [];
      for (const key of ['', 'garbage', `${good.key}x`, wrongSecret, unknown, revoked.key, expiring.key]) {
        const res = await verify(key);
        expect({ key, status: res.status }).toEqual({ key, status: 401 });
        const { correlationId: _c, ...body } = res.body;
        bodies.push(body);
      }
      expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
      expect(bodies[0]).toMatchObject({ code: 'AUTH_KEY_INVALID', status: 401 });
      expect((await verify(good.key)).status).toBe(200);
    } finally {
      world.clock.advance(-120_000);
    }
  });

  it.each([
    ['an admin', 'admin'],
    ['a reseller', 'resellerA'],
    ['a customer', 'customerA'],
  ] as const)('refuses %s principal with 403', async (_label, caller) => {
    const created = await issue('customerA');

    const res = await world.as(caller).post('/internal/api-keys/verify', { key: created.key });

    expect(res.status).toBe(403);
    expect(res.body.principal).toBeUndefined();
  });

  it("keeps the gateway's correlation id and answers bad input as a problem naming the field", async () => {
    const created = await issue('customerA');

    const ok = await verify(created.key).set('x-correlation-id', 'gw-corr-123');
    const missingKey = await world.as(GATEWAY).post('/internal/api-keys/verify', { token: created.key });
    const malformed = await world.as(GATEWAY).post('/internal/api-keys/verify').set('content-type', 'application/json').send('{"key":');
    const unsigned = await request(world.app).post('/internal/api-keys/verify').send({ key: created.key });

    expect(ok.headers['x-correlation-id']).toBe('gw-corr-123');
    expect(ok.headers['content-type']).toMatch(/^application\/json/);
    expect(missingKey.status).toBe(400);
    expect(missingKey.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missingKey.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.key', 'body.token']);
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('REQUEST_MALFORMED_JSON');
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.code).toBe('AUTH_PRINCIPAL_MISSING');
  });

  it('counts verifications in the request-duration metric', async () => {
    const created = await issue('customerA');
    await verify(created.key);

    const metrics = await request(world.app).get('/metrics');

    expect(metrics.text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/internal\/api-keys\/verify"[^}]*status="200"/);
  });

  it('refuses another service than the gateway with 403', async () => {
    const created = await issue('customerA');

    const res = await world.as({ type: 'service', id: 'billing', resellerId: null, scopes: [] }).post('/internal/api-keys/verify', { key: created.key });

    expect(res.status).toBe(403);
  });

  it("stops a deactivated customer's keys at once, and lets them work again after reactivation", async () => {
    const customer = await world.as('resellerA').post('/v1/customers', { name: 'Paused', email: 'p@example.com' });
    const created = await issue('resellerA', { ownerType: 'customer', ownerId: customer.body.id });
    expect((await verify(created.key)).status).toBe(200);

    await world.as('resellerA').patch(`/v1/customers/${customer.body.id}`, { active: false });
    expect((await verify(created.key)).status).toBe(401);

    await world.as('resellerA').patch(`/v1/customers/${customer.body.id}`, { active: true });
    expect((await verify(created.key)).status).toBe(200);
  });

  it("stops a suspended reseller's own keys at once", async () => {
    const reseller = await world.as('admin').post('/v1/resellers', { name: 'Suspendable', email: 's@example.com', commissionRateBps: 100 });
    const created = await issue('admin', { ownerType: 'reseller', ownerId: reseller.body.id });
    expect((await verify(created.key)).status).toBe(200);

    await world.as('admin').patch(`/v1/resellers/${reseller.body.id}`, { active: false });

    expect((await verify(created.key)).status).toBe(401);
  });

  it('records the last use at most once a minute', async () => {
    const created = await issue('direct');
    const lastUsed = async () => (await world.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt;
    const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

    await verify(created.key);
    await settle();
    const first = await lastUsed();
    await verify(created.key);
    await verify(created.key);
    await settle();
    const unchanged = await lastUsed();
    world.clock.advance(61_000);
    try {
      await verify(created.key);
      await settle();
      const later = await lastUsed();

      expect(first).not.toBeNull();
      expect(unchanged).toEqual(first);
      expect(later!.getTime() - first!.getTime()).toBeGreaterThanOrEqual(61_000);
    } finally {
      world.clock.advance(-61_000);
    }
  });
});

describe('revoking API keys', () => {
  it('makes the key fail verification at once, emits apikey.revoked and audits it', async () => {
    const created = await issue('customerA');

    const res = await world.as('resellerA').post(`/v1/api-keys/${created.id}/revoke`);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: created.id, status: 'revoked', revokedAt: expect.any(String) });
    expect((await verify(created.key)).status).toBe(401);
    expect(await outboxEvents(world.prisma, 'apikey.revoked')).toContainEqual({
      keyId: created.id,
      prefix: created.prefix,
      ownerType: 'customer',
      ownerId: world.ids.customerA,
    });
    const audit = await world.prisma.auditEvent.findFirstOrThrow({ where: { action: 'apikey.revoked', targetId: created.id } });
    expect(audit).toMatchObject({ actorType: 'reseller', actorId: world.ids.resellerA, resellerId: world.ids.resellerA });
  });

  it('answers 409 naming the status when the key is already revoked, emitting nothing more', async () => {
    const created = await issue('customerA');
    await world.as('customerA').post(`/v1/api-keys/${created.id}/revoke`);
    const events = (await outboxEvents(world.prisma, 'apikey.revoked')).length;

    const res = await world.as('customerA').post(`/v1/api-keys/${created.id}/revoke`);

    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'APIKEY_ALREADY_REVOKED', detail: expect.stringContaining('revoked') });
    expect((await outboxEvents(world.prisma, 'apikey.revoked')).length).toBe(events);
  });
});

describe('rotating API keys', () => {
  it('issues a new key and lets the old one work until the grace period ends', async () => {
    const old = await issue('customerB', { scopes: ['jobs:write'], allowedIps: ['198.51.100.7'], rateLimitPerMinute: 30 });

    const res = await world.as('customerB').post(`/v1/api-keys/${old.id}/rotate`, { graceSeconds: 600 });

    expect(res.status).toBe(201);
    expect(res.body.key).toMatch(KEY_FORMAT);
    expect(res.body.key).not.toBe(old.key);
    expect(res.body).toMatchObject({ rotatedFromId: old.id, scopes: ['jobs:write'], allowedIps: ['198.51.100.7'], rateLimitPerMinute: 30 });
    const graceEnd = new Date(res.body.rotatedFrom.expiresAt).getTime();
    expect(Math.abs(graceEnd - (Date.now() + 600_000))).toBeLessThan(5_000);
    expect((await verify(old.key)).status).toBe(200);
    expect((await verify(res.body.key)).status).toBe(200);

    world.clock.advance(601_000);
    try {
      expect((await verify(old.key)).status).toBe(401);
      expect((await verify(res.body.key)).status).toBe(200);
    } finally {
      world.clock.advance(-601_000);
    }
    const audit = await world.prisma.auditEvent.findFirstOrThrow({ where: { action: 'apikey.rotated', targetId: old.id } });
    expect(audit.details).toMatchObject({ newKeyId: res.body.id, graceSeconds: 600 });
  });

  it('defaults the grace period to a day and never extends an earlier expiry', async () => {
    const soon = new Date(Date.now() + 3_600_000).toISOString();
    const expiring = await issue('customerB', { expiresAt: soon });
    const lasting = await issue('customerB');

    const a = await world.as('customerB').post(`/v1/api-keys/${expiring.id}/rotate`, {});
    const b = await world.as('customerB').post(`/v1/api-keys/${lasting.id}/rotate`, {});

    expect(a.body.rotatedFrom.expiresAt).toBe(soon);
    expect(a.body.expiresAt).toBe(soon);
    expect(Math.abs(new Date(b.body.rotatedFrom.expiresAt).getTime() - (Date.now() + 86_400_000))).toBeLessThan(5_000);
  });

  it('with a grace of 0 stops the old key at once', async () => {
    const old = await issue('customerA');

    const res = await world.as('customerA').post(`/v1/api-keys/${old.id}/rotate`, { graceSeconds: 0 });

    expect((await verify(old.key)).status).toBe(401);
    expect((await verify(res.body.key)).status).toBe(200);
  });

  it('refuses a revoked key with 409 naming its status', async () => {
    const old = await issue('customerA');
    await world.as('customerA').post(`/v1/api-keys/${old.id}/revoke`);
    const before = await world.count('api_key');

    const res = await world.as('customerA').post(`/v1/api-keys/${old.id}/rotate`, {});

    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('revoked');
    expect(await world.count('api_key')).toBe(before);
  });

  it.each([[-1], [604_801], ['60']])('rejects graceSeconds %p with 400 naming it', async (graceSeconds) => {
    const old = await issue('customerA');
    const before = await world.count('api_key');

    const res = await world.as('customerA').post(`/v1/api-keys/${old.id}/rotate`, { graceSeconds });

    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('body.graceSeconds');
    expect(await world.count('api_key')).toBe(before);
  });
});
