// Providers and offerings (issue 4 "External providers and offerings"): admin CRUD, what resellers
// may read, validation that writes nothing, and DELETE that deactivates what orders refer to.
import { randomUUID } from 'node:crypto';
import { createWorld, type World } from '../support/world';
import { placeOrderAs, seedOffering, seedProvider, seedRelationship } from '../support/commerce-fixtures';

let world: World;

beforeAll(async () => {
  world = await createWorld('reseller_providers');
});

afterAll(async () => {
  await world?.close();
});

describe('providers', () => {
  it('an admin creates a provider, which reads back with its fields', async () => {
    const name = `Acme ${randomUUID().slice(0, 8)}`;
    const created = await world.as('admin').post('/v1/providers', { name, description: 'Managed databases' });

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, description: 'Managed databases', active: true });
    const read = await world.as('admin').get(`/v1/providers/${created.body.id}`);
    expect(read.body).toEqual(created.body);
  });

  it.each([
    ['no name', {}, 'body.name'],
    ['an empty name', { name: '' }, 'body.name'],
    ['a 201-character name', { name: 'x'.repeat(201) }, 'body.name'],
    ['active as text', { name: 'Fine', active: 'yes' }, 'body.active'],
    ['its own id', { name: 'Fine', id: randomUUID() }, 'body.id'],
  ])('creating a provider with %s is 400 naming the field, and nothing is written', async (_label, body, field) => {
    const before = await world.count('provider');
    const res = await world.as('admin').post('/v1/providers', body);

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(await world.count('provider')).toBe(before);
  });

  it('a second provider with the same name in another case is 409 and nothing is written', async () => {
    const name = `Unique ${randomUUID().slice(0, 8)}`;
    await seedProvider(world, { name });
    const before = await world.count('provider');

    const res = await world.as('admin').post('/v1/providers', { name: name.toUpperCase() });

    expect(res.status).toBe(409);
    expect(res.body.code).toBe('PROVIDER_NAME_TAKEN');
    expect(await world.count('provider')).toBe(before);
  });

  it.each(['resellerA', 'customerA', 'direct'] as const)('a %s may not create, change or delete providers (403, nothing written)', async (caller) => {
    const id = await seedProvider(world);
    const before = await world.count('provider');

    expect((await world.as(caller).post('/v1/providers', { name: `Nope ${randomUUID()}` })).status).toBe(403);
    expect((await world.as(caller).patch(`/v1/providers/${id}`, { name: 'Renamed' })).status).toBe(403);
    expect((await world.as(caller).delete(`/v1/providers/${id}`)).status).toBe(403);
    expect(await world.count('provider')).toBe(before);
    expect((await world.as('admin').get(`/v1/providers/${id}`)).body.name).not.toBe('Renamed');
  });

  it('a reseller lists only active providers, each with its own relationship or null', async () => {
    const resold = await seedProvider(world);
    const notResold = await seedProvider(world);
    const inactive = await seedProvider(world, { active: false });
    const relationshipId = await seedRelationship(world, 'resellerA', resold, 900);

    const res = await world.as('resellerA').get('/v1/providers?limit=100');

    expect(res.status).toBe(200);
    const byId = new Map((res.body.items as { id: string }[]).map((p) => [p.id, p]));
    expect(byId.get(resold)).toMatchObject({ relationship: { id: relationshipId, status: 'active', commissionBps: 900 } });
    expect(byId.get(notResold)).toMatchObject({ relationship: null });
    expect(byId.has(inactive)).toBe(false);
    // reseller B has no relationship with the provider A resells
    const forB = await world.as('resellerB').get(`/v1/providers/${resold}`);
    expect(forB.body.relationship).toBeNull();
    expect((await world.as('resellerA').get(`/v1/providers/${inactive}`)).status).toBe(404);
  });

  it('an admin lists every provider, filters by active and name, and pages with the cursor', async () => {
    const tag = randomUUID().slice(0, 8);
    const ids = [];
    for (let i = 0; i < 3; i += 1) ids.push(await seedProvider(world, { name: `Paged ${tag} ${i}` }));
    const inactive = await seedProvider(world, { name: `Paged ${tag} off`, active: false });

    const first = await world.as('admin').get(`/v1/providers?q=${tag}&limit=2`);
    const second = await world.as('admin').get(`/v1/providers?q=${tag}&limit=2&cursor=${first.body.nextCursor}`);
    const onlyInactive = await world.as('admin').get(`/v1/providers?q=${tag}&active=false`);

    const paged = [...first.body.items, ...second.body.items].map((p: { id: string }) => p.id);
    expect(paged.sort()).toEqual([...ids, inactive].sort());
    expect(second.body.nextCursor).toBeNull();
    expect(onlyInactive.body.items.map((p: { id: string }) => p.id)).toEqual([inactive]);
    expect(first.body.items[0]).not.toHaveProperty('relationship');
  });

  it('customers may not list providers (they shop in the marketplace)', async () => {
    expect((await world.as('customerA').get('/v1/providers')).status).toBe(403);
  });

  it('an admin renames and deactivates a provider; an empty change is 400', async () => {
    const id = await seedProvider(world);

    const renamed = await world.as('admin').patch(`/v1/providers/${id}`, { name: `Renamed ${id.slice(0, 8)}`, active: false });
    const empty = await world.as('admin').patch(`/v1/providers/${id}`, {});

    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: `Renamed ${id.slice(0, 8)}`, active: false });
    expect(empty.status).toBe(400);
  });

  it('deleting a provider nothing refers to removes it with its offerings (204)', async () => {
    const id = await seedProvider(world);
    const offeringId = await seedOffering(world, id);

    const res = await world.as('admin').delete(`/v1/providers/${id}`);

    expect(res.status).toBe(204);
    expect((await world.as('admin').get(`/v1/providers/${id}`)).status).toBe(404);
    expect((await world.as('admin').get(`/v1/offerings/${offeringId}`)).status).toBe(404);
  });

  it('deleting a provider a reseller resells deactivates it instead (200, active false), keeping the relationship', async () => {
    const id = await seedProvider(world);
    const relationshipId = await seedRelationship(world, 'resellerA', id, 500);

    const res = await world.as('admin').delete(`/v1/providers/${id}`);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, active: false });
    expect((await world.as('resellerA').get(`/v1/relationships/${relationshipId}`)).status).toBe(200);
    expect((await world.as('resellerA').get(`/v1/providers/${id}`)).status).toBe(404);
  });
});

describe('offerings', () => {
  it('an admin adds an offering whose base price reads back with 6 decimals', async () => {
    const providerId = await seedProvider(world);

    const res = await world.as('admin').post(`/v1/providers/${providerId}/offerings`, {
      name: 'Postgres S',
      description: '2 vCPU',
      basePrice: '12.5',
      currency: 'EUR',
      unit: 'month',
    });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ providerId, name: 'Postgres S', basePrice: '12.500000', currency: 'EUR', unit: 'month', active: true });
    expect((await world.as('admin').get(`/v1/offerings/${res.body.id}`)).body).toEqual(res.body);
  });

  it.each([
    [{ basePrice: '-1' }, 'body.basePrice'],
    [{ basePrice: '1.1234567' }, 'body.basePrice'],
    [{ basePrice: 12.5 }, 'body.basePrice'],
    [{ basePrice: '1e3' }, 'body.basePrice'],
    [{ currency: 'eur' }, 'body.currency'],
    [{ unit: '' }, 'body.unit'],
    [{ name: undefined }, 'body.name'],
    [{ providerId: randomUUID() }, 'body.providerId'],
  ])('adding an offering with %j is 400 naming %s, and nothing is written', async (override, field) => {
    const providerId = await seedProvider(world);
    const before = await world.count('offering');
    const body = { name: 'Bad', basePrice: '10.00', currency: 'EUR', unit: 'month', ...override };

    const res = await world.as('admin').post(`/v1/providers/${providerId}/offerings`, body);

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(await world.count('offering')).toBe(before);
  });

  it('adding an offering to a provider that does not exist is 404', async () => {
    const res = await world.as('admin').post(`/v1/providers/${randomUUID()}/offerings`, { name: 'X', basePrice: '1', currency: 'EUR', unit: 'unit' });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('PROVIDER_NOT_FOUND');
  });

  it('a reseller sees only the active offerings of active providers; an admin sees all', async () => {
    const providerId = await seedProvider(world);
    const active = await seedOffering(world, providerId);
    const inactive = await seedOffering(world, providerId, { active: false });

    const forReseller = await world.as('resellerB').get(`/v1/providers/${providerId}/offerings`);
    const forAdmin = await world.as('admin').get(`/v1/providers/${providerId}/offerings`);

    expect(forReseller.body.items.map((o: { id: string }) => o.id)).toEqual([active]);
    expect(forAdmin.body.items.map((o: { id: string }) => o.id).sort()).toEqual([active, inactive].sort());
    expect((await world.as('resellerB').get(`/v1/offerings/${inactive}`)).status).toBe(404);

    await world.as('admin').patch(`/v1/providers/${providerId}`, { active: false });
    expect((await world.as('resellerB').get(`/v1/offerings/${active}`)).status).toBe(404);
    expect((await world.as('resellerB').get(`/v1/providers/${providerId}/offerings`)).status).toBe(404);
  });

  it('an admin changes an offering’s price; a customer may not read offerings here', async () => {
    const providerId = await seedProvider(world);
    const offeringId = await seedOffering(world, providerId);

    const res = await world.as('admin').patch(`/v1/offerings/${offeringId}`, { basePrice: '110', unit: 'GB' });

    expect(res.body).toMatchObject({ basePrice: '110.000000', unit: 'GB' });
    expect((await world.as('customerA').get(`/v1/offerings/${offeringId}`)).status).toBe(403);
    expect((await world.as('resellerA').patch(`/v1/offerings/${offeringId}`, { basePrice: '1' })).status).toBe(403);
  });

  it('deleting an offering never ordered removes it (204); one that was ordered is deactivated (200) and leaves the marketplace', async () => {
    const providerId = await seedProvider(world);
    const unordered = await seedOffering(world, providerId);
    const ordered = await seedOffering(world, providerId);
    await seedRelationship(world, 'resellerA', providerId, 1000);
    await placeOrderAs(world, 'customerA', ordered);

    const removed = await world.as('admin').delete(`/v1/offerings/${unordered}`);
    const deactivated = await world.as('admin').delete(`/v1/offerings/${ordered}`);

    expect(removed.status).toBe(204);
    expect((await world.as('admin').get(`/v1/offerings/${unordered}`)).status).toBe(404);
    expect(deactivated.status).toBe(200);
    expect(deactivated.body).toMatchObject({ id: ordered, active: false });
    const market = await world.as('customerA').get(`/v1/marketplace/offerings?providerId=${providerId}`);
    expect(market.body.items).toEqual([]);
  });
});
