// The marketplace (issue 4): a reseller's customer sees offerings of providers its reseller resells
// through an active relationship, at base + commission (rounded half-up to 0.000001); a direct
// customer sees every active offering at base price. Each item names the reseller that sells it
// (issue 19's badge: id, name, tier), null for a direct customer.
import { randomUUID } from 'node:crypto';
import { createWorld, type World } from '../support/world';
import { seedOffering, seedProvider, seedRelationship, seedResoldOffering } from '../support/commerce-fixtures';

let world: World;

beforeAll(async () => {
  world = await createWorld('reseller_marketplace');
});

afterAll(async () => {
  await world?.close();
});

type Item = { id: string; basePrice: string; commission: string; price: string; commissionBps: number; reseller: unknown };
const items = (res: { body: { items: Item[] } }) => new Map(res.body.items.map((i) => [i.id, i]));

describe('marketplace', () => {
  it('a reseller’s customer sees its reseller’s offerings at base + commission; the other reseller’s customer does not see them', async () => {
    const { providerId, offeringId } = await seedResoldOffering(world, 1250, '100.00');

    const forA = await world.as('customerA').get(`/v1/marketplace/offerings?providerId=${providerId}`);
    const forB = await world.as('customerB').get(`/v1/marketplace/offerings?providerId=${providerId}`);

    expect(forA.status).toBe(200);
    expect(forA.body.items).toEqual([
      expect.objectContaining({
        id: offeringId,
        providerId,
        basePrice: '100.000000',
        commissionBps: 1250,
        commission: '12.500000',
        price: '112.500000',
        currency: 'EUR',
        unit: 'month',
        reseller: { id: world.ids.resellerA, name: 'Reseller A', tier: 'bronze' },
      }),
    ]);
    expect(forB.body.items).toEqual([]);
  });

  it('names the reseller that sells each offering with its current tier, even at 0 % commission; null for a direct customer', async () => {
    const providerId = await seedProvider(world);
    const offeringId = await seedOffering(world, providerId);
    await seedRelationship(world, 'resellerA', providerId, 0);
    await seedRelationship(world, 'resellerB', providerId, 1000);
    const reseller = async (as: 'customerA' | 'customerB' | 'direct' | 'resellerA') =>
      items(await world.as(as).get(`/v1/marketplace/offerings?providerId=${providerId}`)).get(offeringId)?.reseller;

    expect(await reseller('customerA')).toEqual({ id: world.ids.resellerA, name: 'Reseller A', tier: 'bronze' });
    expect(await reseller('customerB')).toEqual({ id: world.ids.resellerB, name: 'Reseller B', tier: 'bronze' });
    expect(await reseller('direct')).toBeNull();

    await world.prisma.reseller.update({ where: { id: world.ids.resellerA }, data: { tier: 'gold' } });
    try {
      expect(await reseller('customerA')).toEqual({ id: world.ids.resellerA, name: 'Reseller A', tier: 'gold' });
      expect(await reseller('resellerA')).toEqual({ id: world.ids.resellerA, name: 'Reseller A', tier: 'gold' });
    } finally {
      await world.prisma.reseller.update({ where: { id: world.ids.resellerA }, data: { tier: 'bronze' } });
    }
  });

  it('rounds the commission half-up to the micro-unit: 0.000005 at 10 % costs 0.000006, 0.000004 costs 0.000004', async () => {
    const providerId = await seedProvider(world);
    const half = await seedOffering(world, providerId, { basePrice: '0.000005' });
    const below = await seedOffering(world, providerId, { basePrice: '0.000004' });
    await seedRelationship(world, 'resellerA', providerId, 1000);

    const res = items(await world.as('customerA').get(`/v1/marketplace/offerings?providerId=${providerId}`));

    expect(res.get(half)).toMatchObject({ basePrice: '0.000005', commission: '0.000001', price: '0.000006' });
    expect(res.get(below)).toMatchObject({ basePrice: '0.000004', commission: '0.000000', price: '0.000004' });
  });

  it('a direct customer sees every active offering at base price, resold or not', async () => {
    const { providerId, offeringId } = await seedResoldOffering(world, 2000, '50.00');
    const unrelated = await seedOffering(world, providerId, { basePrice: '7.25' });

    const res = items(await world.as('direct').get(`/v1/marketplace/offerings?providerId=${providerId}`));

    expect(res.get(offeringId)).toMatchObject({ basePrice: '50.000000', commissionBps: 0, commission: '0.000000', price: '50.000000', reseller: null });
    expect(res.get(unrelated)).toMatchObject({ price: '7.250000' });
  });

  it('a suspended relationship, an inactive offering or an inactive provider takes offerings out of the marketplace', async () => {
    const providerId = await seedProvider(world);
    const offeringId = await seedOffering(world, providerId);
    await seedOffering(world, providerId, { active: false });
    const relationshipId = await seedRelationship(world, 'resellerA', providerId, 1000);
    const list = async () => (await world.as('customerA').get(`/v1/marketplace/offerings?providerId=${providerId}`)).body.items.map((i: Item) => i.id);

    expect(await list()).toEqual([offeringId]);

    await world.as('resellerA').patch(`/v1/relationships/${relationshipId}`, { status: 'suspended' });
    expect(await list()).toEqual([]);

    await world.as('resellerA').patch(`/v1/relationships/${relationshipId}`, { status: 'active' });
    await world.as('admin').patch(`/v1/providers/${providerId}`, { active: false });
    expect(await list()).toEqual([]);
    expect((await world.as('direct').get(`/v1/marketplace/offerings?providerId=${providerId}`)).body.items).toEqual([]);
  });

  it('a new commission prices the marketplace at once', async () => {
    const { providerId } = await seedResoldOffering(world, 1000, '10.00');
    const relationship = (await world.as('resellerA').get(`/v1/relationships?providerId=${providerId}`)).body.items[0];

    await world.as('resellerA').patch(`/v1/relationships/${relationship.id}`, { commissionBps: 5000 });

    const res = await world.as('customerA').get(`/v1/marketplace/offerings?providerId=${providerId}`);
    expect(res.body.items[0]).toMatchObject({ commission: '5.000000', price: '15.000000' });
  });

  it('filters by name and currency and pages alphabetically with the cursor', async () => {
    const tag = randomUUID().slice(0, 8);
    const providerId = await seedProvider(world);
    for (const name of ['Charlie', 'Alpha', 'Bravo']) await seedOffering(world, providerId, { name: `${tag} ${name}` });
    await seedOffering(world, providerId, { name: `${tag} Dollar`, currency: 'USD' });
    await seedRelationship(world, 'resellerA', providerId, 0);

    const first = await world.as('customerA').get(`/v1/marketplace/offerings?q=${tag}&currency=EUR&limit=2`);
    const second = await world.as('customerA').get(`/v1/marketplace/offerings?q=${tag}&currency=EUR&limit=2&cursor=${first.body.nextCursor}`);
    const usd = await world.as('customerA').get(`/v1/marketplace/offerings?q=${tag}&currency=USD`);

    const names = [...first.body.items, ...second.body.items].map((i: { name: string }) => i.name);
    expect(names).toEqual([`${tag} Alpha`, `${tag} Bravo`, `${tag} Charlie`]);
    expect(second.body.nextCursor).toBeNull();
    expect(usd.body.items.map((i: { name: string }) => i.name)).toEqual([`${tag} Dollar`]);
  });

  it('a reseller sees what its customers see; an admin may not use the marketplace (403); a bad filter is 400', async () => {
    const { providerId, offeringId } = await seedResoldOffering(world, 1250);

    const asReseller = await world.as('resellerA').get(`/v1/marketplace/offerings?providerId=${providerId}`);
    const asAdmin = await world.as('admin').get('/v1/marketplace/offerings');
    const badCursor = await world.as('customerA').get('/v1/marketplace/offerings?cursor=not-a-cursor');
    const badProvider = await world.as('customerA').get('/v1/marketplace/offerings?providerId=nope');

    expect(asReseller.body.items.map((i: Item) => i.id)).toEqual([offeringId]);
    expect(asAdmin.status).toBe(403);
    expect(badCursor.status).toBe(400);
    expect(badProvider.status).toBe(400);
    expect(badProvider.body.errors).toEqual([expect.objectContaining({ field: 'query.providerId' })]);
  });
});
