// Resellers through the HTTP API (admins only) and GET /v1/me for every kind of account.
import { createWorld, outboxEvents, type World } from '../support/world';

let world: World;

beforeAll(async () => {
  world = await createWorld('reseller_resellers');
});

afterAll(async () => {
  await world?.close();
});

const valid = { name: 'Cloudy Resale', email: 'ops@cloudy.example.com', commissionRateBps: 1500 };

describe('creating a reseller', () => {
  it('stores it bronze and active in EUR by default, emits reseller.created and audits it', async () => {
    const res = await world.as('admin').post('/v1/resellers', valid);

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ...valid, active: true, tier: 'bronze', currency: 'EUR', id: expect.any(String) });
    expect(await outboxEvents(world.prisma, 'reseller.created')).toContainEqual({
      resellerId: res.body.id,
      name: valid.name,
      email: valid.email,
      commissionRateBps: 1500,
      tier: 'bronze',
      currency: 'EUR',
    });
    const audit = await world.prisma.auditEvent.findFirst({ where: { action: 'reseller.created', targetId: res.body.id } });
    expect(audit).toMatchObject({ actorType: 'admin', actorId: world.ids.admin, resellerId: res.body.id });
  });

  it.each([
    ['name', { name: '' }],
    ['email', { email: 'not-an-email' }],
    ['commissionRateBps', { commissionRateBps: 5001 }],
    ['commissionRateBps', { commissionRateBps: -1 }],
    ['commissionRateBps', { commissionRateBps: 12.5 }],
    ['currency', { currency: 'euro' }],
    ['tier', { tier: 'platinum' }],
    ['active', { active: false }],
    ['id', { id: '7d1f3c52-9e4b-4a7d-8c21-3f5e6a7b8c9d' }],
  ])('rejects an invalid or forbidden %s with 400 naming it, writing nothing', async (field, override) => {
    const before = await world.count('reseller');
    const events = await world.count('outbox_event');

    const res = await world.as('admin').post('/v1/resellers', { ...valid, ...override });

    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual({ field: `body.${field}`, message: expect.any(String) });
    expect(await world.count('reseller')).toBe(before);
    expect(await world.count('outbox_event')).toBe(events);
  });

  it.each(['resellerA', 'customerA', 'direct'] as const)('is forbidden to %s', async (caller) => {
    const before = await world.count('reseller');

    const res = await world.as(caller).post('/v1/resellers', valid);

    expect(res.status).toBe(403);
    expect(await world.count('reseller')).toBe(before);
  });

  it('is forbidden to a runner principal', async () => {
    const res = await world.as({ type: 'runner', id: 'runner-1', resellerId: null, scopes: [] }).post('/v1/resellers', valid);

    expect(res.status).toBe(403);
  });
});

describe('reading resellers', () => {
  it('gets one by id, and 404 for an unknown id', async () => {
    const found = await world.as('admin').get(`/v1/resellers/${world.ids.resellerA}`);
    const missing = await world.as('admin').get('/v1/resellers/00000000-0000-4000-8000-000000000000');

    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ id: world.ids.resellerA, name: 'Reseller A' });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('RESELLER_NOT_FOUND');
  });

  it('rejects a malformed id with 400 naming the path parameter', async () => {
    const res = await world.as('admin').get('/v1/resellers/not-a-uuid');

    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('params.resellerId');
  });

  it('lists newest first with a cursor, and filters by search text and active flag', async () => {
    const names = ['Zeta Paging 1', 'Zeta Paging 2', 'Zeta Paging 3'];
    const ids = [];
    for (const name of names) ids.push((await world.as('admin').post('/v1/resellers', { ...valid, name })).body.id);
    await world.as('admin').patch(`/v1/resellers/${ids[1]}`, { active: false });

    const first = await world.as('admin').get('/v1/resellers?q=zeta%20paging&limit=2');
    const second = await world.as('admin').get(`/v1/resellers?q=zeta%20paging&limit=2&cursor=${first.body.nextCursor}`);
    const suspended = await world.as('admin').get('/v1/resellers?q=zeta&active=false');

    expect(first.body.items.map((r: { id: string }) => r.id)).toEqual([ids[2], ids[1]]);
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    expect(suspended.body.items.map((r: { id: string }) => r.id)).toEqual([ids[1]]);
  });

  it.each([
    ['limit', 'limit=0'],
    ['limit', 'limit=101'],
    ['active', 'active=yes'],
    ['tier', 'tier=diamond'],
    ['unknown', 'unknown=1'],
  ])('rejects a bad %s filter with 400 naming it', async (field, query) => {
    const res = await world.as('admin').get(`/v1/resellers?${query}`);

    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe(`query.${field}`);
  });
});

describe('updating a reseller', () => {
  it('changes the commission, emits reseller.updated naming the field, and audits old and new rate', async () => {
    const created = await world.as('admin').post('/v1/resellers', { ...valid, name: 'Commissioned' });

    const res = await world.as('admin').patch(`/v1/resellers/${created.body.id}`, { commissionRateBps: 2500 });

    expect(res.status).toBe(200);
    expect(res.body.commissionRateBps).toBe(2500);
    expect(await outboxEvents(world.prisma, 'reseller.updated')).toContainEqual(
      expect.objectContaining({ resellerId: created.body.id, commissionRateBps: 2500, changedFields: ['commissionRateBps'] }),
    );
    const audit = await world.prisma.auditEvent.findFirstOrThrow({ where: { action: 'reseller.commission_changed', targetId: created.body.id } });
    expect(audit.details).toEqual({ from: 1500, to: 2500 });
  });

  it('suspends and reactivates, auditing both', async () => {
    const created = await world.as('admin').post('/v1/resellers', { ...valid, name: 'On and off' });

    const off = await world.as('admin').patch(`/v1/resellers/${created.body.id}`, { active: false });
    const on = await world.as('admin').patch(`/v1/resellers/${created.body.id}`, { active: true });

    expect(off.body.active).toBe(false);
    expect(on.body.active).toBe(true);
    const actions = await world.prisma.auditEvent.findMany({ where: { targetId: created.body.id }, orderBy: { createdAt: 'asc' }, select: { action: true } });
    expect(actions.map((a) => a.action)).toEqual(['reseller.created', 'reseller.suspended', 'reseller.reactivated']);
  });

  it('writes nothing when the values are already current', async () => {
    const events = await world.count('outbox_event');

    const res = await world.as('admin').patch(`/v1/resellers/${world.ids.resellerA}`, { name: 'Reseller A' });

    expect(res.status).toBe(200);
    expect(await world.count('outbox_event')).toBe(events);
  });

  it.each([
    ['body', {}],
    ['body.commissionRateBps', { commissionRateBps: 5001 }],
    ['body.tier', { tier: 'gold' }],
    ['body.currency', { currency: 'USD' }],
    ['body.active', { active: 'no' }],
  ])('rejects %s with 400, changing nothing', async (field, body) => {
    const before = await world.prisma.reseller.findUniqueOrThrow({ where: { id: world.ids.resellerB } });

    const res = await world.as('admin').patch(`/v1/resellers/${world.ids.resellerB}`, body);

    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await world.prisma.reseller.findUniqueOrThrow({ where: { id: world.ids.resellerB } })).toEqual(before);
  });

  it('answers 404 for an unknown reseller', async () => {
    const res = await world.as('admin').patch('/v1/resellers/00000000-0000-4000-8000-000000000000', { name: 'x' });

    expect(res.status).toBe(404);
  });
});

describe('GET /v1/me', () => {
  it('gives a reseller its own record with its tier', async () => {
    const res = await world.as('resellerA').get('/v1/me');

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ type: 'reseller', reseller: expect.objectContaining({ id: world.ids.resellerA, tier: 'bronze' }) });
  });

  it('gives a customer its own record and an admin its id', async () => {
    const customer = await world.as('customerB').get('/v1/me');
    const admin = await world.as('admin').get('/v1/me');

    expect(customer.body).toEqual({
      type: 'customer',
      customer: expect.objectContaining({ id: world.ids.customerB, resellerId: world.ids.resellerB }),
    });
    expect(admin.body).toEqual({ type: 'admin', id: world.ids.admin });
  });
});
