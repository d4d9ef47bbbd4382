// Customers through the HTTP API: a reseller's own, an admin's direct ones, deactivation instead of delete.
import { createWorld, outboxEvents, type World } from '../support/world';

let world: World;

beforeAll(async () => {
  world = await createWorld('reseller_customers');
});

afterAll(async () => {
  await world?.close();
});

describe('creating a customer', () => {
  it("files a reseller's customer under the caller, in the reseller's currency, and emits customer.created", async () => {
    const res = await world.as('resellerA').post('/v1/customers', { name: 'Ada Ltd', email: 'ada@example.com' });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Ada Ltd', resellerId: world.ids.resellerA, currency: 'EUR', active: true });
    expect(await outboxEvents(world.prisma, 'customer.created')).toContainEqual({
      customerId: res.body.id,
      resellerId: world.ids.resellerA,
      email: 'ada@example.com',
      name: 'Ada Ltd',
      currency: 'EUR',
    });
  });

  it('lets an admin create a direct customer in any currency, or one for a reseller', async () => {
    const direct = await world.as('admin').post('/v1/customers', { name: 'Direct Co', email: 'd@example.com', currency: 'USD' });
    const forB = await world.as('admin').post('/v1/customers', { name: 'B Co', email: 'b@example.com', resellerId: world.ids.resellerB });

    expect(direct.status).toBe(201);
    expect(direct.body).toMatchObject({ resellerId: null, currency: 'USD' });
    expect(forB.status).toBe(201);
    expect(forB.body.resellerId).toBe(world.ids.resellerB);
  });

  it('refuses a resellerId from a reseller with 400 naming body.resellerId, writing nothing', async () => {
    const before = await world.count('customer');

    const res = await world.as('resellerA').post('/v1/customers', { name: 'x', email: 'x@example.com', resellerId: world.ids.resellerB });

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'body.resellerId', message: expect.any(String) }]);
    expect(await world.count('customer')).toBe(before);
  });

  it("refuses a currency other than the reseller's with 400 naming body.currency", async () => {
    const before = await world.count('customer');

    const res = await world.as('resellerA').post('/v1/customers', { name: 'x', email: 'x@example.com', currency: 'USD' });

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'body.currency', message: expect.stringContaining('EUR') }]);
    expect(await world.count('customer')).toBe(before);
  });

  it('answers 404 when an admin names a reseller that does not exist', async () => {
    const res = await world.as('admin').post('/v1/customers', {
      name: 'x',
      email: 'x@example.com',
      resellerId: '00000000-0000-4000-8000-000000000000',
    });

    expect(res.status).toBe(404);
    expect(res.body.code).toBe('RESELLER_NOT_FOUND');
  });

  it.each([
    ['name', { name: '   ' }],
    ['email', { email: 'nope' }],
    ['currency', { currency: 'eur' }],
    ['active', { active: false }],
    ['tier', { tier: 'gold' }],
    ['resellerId', { resellerId: 'abc' }],
  ])('rejects an invalid %s with 400 naming it, writing nothing', async (field, override) => {
    const before = await world.count('customer');

    const res = await world.as('admin').post('/v1/customers', { name: 'Valid', email: 'valid@example.com', ...override });

    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(`body.${field}`);
    expect(await world.count('customer')).toBe(before);
  });

  it('is forbidden to customers', async () => {
    const res = await world.as('customerA').post('/v1/customers', { name: 'Sub', email: 's@example.com' });

    expect(res.status).toBe(403);
  });
});

describe('reading customers', () => {
  it('lets a customer read itself', async () => {
    const res = await world.as('customerA').get(`/v1/customers/${world.ids.customerA}`);

    expect(res.status).toBe(200);
    expect(res.body.id).toBe(world.ids.customerA);
  });

  it("lists only a reseller's own customers, filtered by active flag and text", async () => {
    const kept = await world.as('resellerB').post('/v1/customers', { name: 'Listed Kept', email: 'k@example.com' });
    const gone = await world.as('resellerB').post('/v1/customers', { name: 'Listed Gone', email: 'g@example.com' });
    await world.as('resellerB').patch(`/v1/customers/${gone.body.id}`, { active: false });

    const all = await world.as('resellerB').get('/v1/customers?limit=100');
    const active = await world.as('resellerB').get('/v1/customers?q=listed&active=true');

    expect(new Set(all.body.items.map((c: { resellerId: string }) => c.resellerId))).toEqual(new Set([world.ids.resellerB]));
    expect(active.body.items.map((c: { id: string }) => c.id)).toEqual([kept.body.id]);
  });

  it('lets an admin list only direct customers, or one reseller’s', async () => {
    const direct = await world.as('admin').get('/v1/customers?direct=true&limit=100');
    const ofA = await world.as('admin').get(`/v1/customers?resellerId=${world.ids.resellerA}&limit=100`);

    expect(direct.body.items.length).toBeGreaterThan(0);
    expect(direct.body.items.every((c: { resellerId: string | null }) => c.resellerId === null)).toBe(true);
    expect(ofA.body.items.every((c: { resellerId: string }) => c.resellerId === world.ids.resellerA)).toBe(true);
  });

  it.each(['resellerId', 'direct'])('refuses the admin-only %s filter from a reseller with 400', async (filter) => {
    const res = await world.as('resellerA').get(`/v1/customers?${filter}=${filter === 'direct' ? 'true' : world.ids.resellerB}`);

    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe(`query.${filter}`);
  });
});

describe('updating and deactivating a customer', () => {
  it('deactivates with PATCH active:false, emits customer.updated and audits the deactivation', async () => {
    const created = await world.as('resellerA').post('/v1/customers', { name: 'Leaving', email: 'l@example.com' });

    const res = await world.as('resellerA').patch(`/v1/customers/${created.body.id}`, { active: false });

    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    expect(await outboxEvents(world.prisma, 'customer.updated')).toContainEqual({
      customerId: created.body.id,
      resellerId: world.ids.resellerA,
      email: 'l@example.com',
      name: 'Leaving',
      active: false,
      changedFields: ['active'],
    });
    const audit = await world.prisma.auditEvent.findFirstOrThrow({ where: { action: 'customer.deactivated', targetId: created.body.id } });
    expect(audit.resellerId).toBe(world.ids.resellerA);
    expect((await world.as('resellerA').get(`/v1/customers/${created.body.id}`)).body.active).toBe(false);
  });

  it('has no DELETE route: customers are deactivated, never deleted', async () => {
    const res = await world.as('admin').delete(`/v1/customers/${world.ids.direct}`);

    expect(res.status).toBe(404);
    expect(res.body.code).toBe('ROUTE_NOT_FOUND');
    expect(await world.prisma.customer.count({ where: { id: world.ids.direct } })).toBe(1);
  });

  it.each([
    ['body', {}],
    ['body.resellerId', { resellerId: '7d1f3c52-9e4b-4a7d-8c21-3f5e6a7b8c9d' }],
    ['body.currency', { currency: 'USD' }],
    ['body.email', { email: 'bad' }],
  ])('rejects %s with 400, changing nothing', async (field, body) => {
    const before = await world.prisma.customer.findUniqueOrThrow({ where: { id: world.ids.customerA } });

    const res = await world.as('resellerA').patch(`/v1/customers/${world.ids.customerA}`, body);

    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await world.prisma.customer.findUniqueOrThrow({ where: { id: world.ids.customerA } })).toEqual(before);
  });

  it('is forbidden to the customer itself', async () => {
    const res = await world.as('customerA').patch(`/v1/customers/${world.ids.customerA}`, { active: false });

    expect(res.status).toBe(403);
  });
});
