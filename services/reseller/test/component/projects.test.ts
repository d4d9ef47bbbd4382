// Projects through the HTTP API: a customer's own, its reseller on its behalf, rename and archive.
import { createWorld, outboxEvents, type World } from '../support/world';

let world: World;

beforeAll(async () => {
  world = await createWorld('reseller_projects');
});

afterAll(async () => {
  await world?.close();
});

describe('creating a project', () => {
  it('lets a customer create its own and emits project.created with its reseller', async () => {
    const res = await world.as('customerA').post('/v1/projects', { name: 'render farm' });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'render farm', customerId: world.ids.customerA, resellerId: world.ids.resellerA, status: 'active', archivedAt: null });
    expect(await outboxEvents(world.prisma, 'project.created')).toContainEqual({
      projectId: res.body.id,
      customerId: world.ids.customerA,
      resellerId: world.ids.resellerA,
      name: 'render farm',
    });
  });

  it("lets a reseller create one for its own customer, but not another reseller's (404)", async () => {
    const own = await world.as('resellerA').post('/v1/projects', { name: 'on behalf', customerId: world.ids.customerA });
    const foreign = await world.as('resellerA').post('/v1/projects', { name: 'on behalf', customerId: world.ids.customerB });

    expect(own.status).toBe(201);
    expect(own.body.customerId).toBe(world.ids.customerA);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('CUSTOMER_NOT_FOUND');
  });

  it('requires customerId from a reseller and refuses it from a customer, writing nothing', async () => {
    const before = await world.count('project');

    const missing = await world.as('resellerA').post('/v1/projects', { name: 'x' });
    const forbidden = await world.as('customerA').post('/v1/projects', { name: 'x', customerId: world.ids.customerA });

    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ field: 'body.customerId', message: 'is required' }]);
    expect(forbidden.status).toBe(400);
    expect(forbidden.body.errors).toEqual([{ field: 'body.customerId', message: expect.any(String) }]);
    expect(await world.count('project')).toBe(before);
  });

  it.each([
    ['name', { name: '' }],
    ['name', { name: 'x'.repeat(201) }],
    ['archivedAt', { archivedAt: '2026-01-01T00:00:00Z' }],
    ['status', { status: 'archived' }],
  ])('rejects an invalid %s with 400 naming it, writing nothing', async (field, body) => {
    const before = await world.count('project');

    const res = await world.as('direct').post('/v1/projects', { name: 'ok', ...body });

    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(`body.${field}`);
    expect(await world.count('project')).toBe(before);
  });

  it('refuses a deactivated customer with 409', async () => {
    const customer = await world.as('resellerB').post('/v1/customers', { name: 'Asleep', email: 'a@example.com' });
    await world.as('resellerB').patch(`/v1/customers/${customer.body.id}`, { active: false });

    const res = await world.as('resellerB').post('/v1/projects', { name: 'x', customerId: customer.body.id });

    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CUSTOMER_INACTIVE');
  });
});

describe('renaming and archiving', () => {
  it('renames, archives (emitting project.archived) and then refuses both again with 409 naming the status', async () => {
    const created = await world.as('direct').post('/v1/projects', { name: 'before' });
    const id = created.body.id as string;

    const renamed = await world.as('direct').patch(`/v1/projects/${id}`, { name: 'after' });
    const archived = await world.as('direct').post(`/v1/projects/${id}/archive`);
    const twice = await world.as('direct').post(`/v1/projects/${id}/archive`);
    const renameArchived = await world.as('direct').patch(`/v1/projects/${id}`, { name: 'again' });

    expect(renamed.body.name).toBe('after');
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({ status: 'archived', archivedAt: expect.any(String) });
    expect(await outboxEvents(world.prisma, 'project.archived')).toEqual([
      { projectId: id, customerId: world.ids.direct, resellerId: null, name: 'after' },
    ]);
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ code: 'PROJECT_ALREADY_ARCHIVED', detail: expect.stringContaining('archived') });
    expect(renameArchived.status).toBe(409);
    expect((await world.as('direct').get(`/v1/projects/${id}`)).body.name).toBe('after');
  });

  it('lets the reseller archive its customer’s project', async () => {
    const created = await world.as('customerB').post('/v1/projects', { name: 'by reseller' });

    const res = await world.as('resellerB').post(`/v1/projects/${created.body.id}/archive`);

    expect(res.status).toBe(200);
  });
});

describe('listing projects', () => {
  it('filters by customer and status for a reseller, and pages newest first', async () => {
    const ids: string[] = [];
    for (const name of ['p1', 'p2', 'p3']) ids.push((await world.as('resellerA').post('/v1/projects', { name: `listing ${name}`, customerId: world.ids.customerA })).body.id);
    await world.as('resellerA').post(`/v1/projects/${ids[0]}/archive`);

    const active = await world.as('resellerA').get(`/v1/projects?customerId=${world.ids.customerA}&status=active&q=listing`);
    const page1 = await world.as('customerA').get('/v1/projects?q=listing&limit=2');
    const page2 = await world.as('customerA').get(`/v1/projects?q=listing&limit=2&cursor=${page1.body.nextCursor}`);

    expect(active.body.items.map((p: { id: string }) => p.id)).toEqual([ids[2], ids[1]]);
    expect([...page1.body.items, ...page2.body.items].map((p: { id: string }) => p.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(page2.body.nextCursor).toBeNull();
  });

  it.each([
    ['customerA', 'customerId', 'query.customerId'],
    ['resellerA', 'resellerId', 'query.resellerId'],
  ] as const)('refuses %s the %s filter with 400', async (caller, filter, field) => {
    const res = await world.as(caller).get(`/v1/projects?${filter}=${world.ids.customerA}`);

    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe(field);
  });

  it('rejects an unknown status with 400 naming it', async () => {
    const res = await world.as('customerA').get('/v1/projects?status=deleted');

    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('query.status');
  });
});
