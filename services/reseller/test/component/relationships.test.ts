// Reseller relationships (issue 4; DESIGN.md §2, §10): one per reseller and provider (409 on a
// duplicate, also when two requests race), commission 0–5000 bps, audited changes, scoped reads.
import { randomUUID } from 'node:crypto';
import { createWorld, type World } from '../support/world';
import { seedProvider, seedRelationship } from '../support/commerce-fixtures';

let world: World;

beforeAll(async () => {
  world = await createWorld('reseller_relationships');
});

afterAll(async () => {
  await world?.close();
});

describe('reseller relationships', () => {
  it('a reseller starts reselling an active provider with a commission', async () => {
    const providerId = await seedProvider(world, { name: `Resold ${randomUUID().slice(0, 8)}` });

    const res = await world.as('resellerA').post('/v1/relationships', { providerId, commissionBps: 1250 });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ resellerId: world.ids.resellerA, providerId, commissionBps: 1250, status: 'active' });
    expect(res.body.providerName).toMatch(/^Resold /);
    const audit = await world.prisma.auditEvent.findMany({ where: { targetId: res.body.id } });
    expect(audit.map((a) => a.action)).toEqual(['relationship.created']);
  });

  it('a second relationship with the same provider is 409 naming the existing one, and nothing is written', async () => {
    const providerId = await seedProvider(world);
    const existing = await seedRelationship(world, 'resellerA', providerId, 1000);
    const before = await world.count('reseller_relationship');

    const res = await world.as('resellerA').post('/v1/relationships', { providerId, commissionBps: 2000 });

    expect(res.status).toBe(409);
    expect(res.body.code).toBe('RELATIONSHIP_EXISTS');
    expect(res.body.detail).toContain(existing);
    expect(await world.count('reseller_relationship')).toBe(before);
  });

  it('of ten concurrent requests for the same pair exactly one creates the relationship, the rest get 409', async () => {
    const providerId = await seedProvider(world);

    const results = await Promise.all(
      Array.from({ length: 10 }, () => world.as('resellerB').post('/v1/relationships', { providerId, commissionBps: 700 })),
    );

    expect(results.map((r) => r.status).sort()).toEqual([201, ...Array(9).fill(409)]);
    expect(await world.prisma.resellerRelationship.count({ where: { providerId } })).toBe(1);
  });

  it('two resellers may each resell the same provider', async () => {
    const providerId = await seedProvider(world);
    await seedRelationship(world, 'resellerA', providerId, 100);
    expect((await world.as('resellerB').post('/v1/relationships', { providerId, commissionBps: 200 })).status).toBe(201);
  });

  it.each([
    ['a commission above 50 %', { commissionBps: 5001 }, 'body.commissionBps'],
    ['a negative commission', { commissionBps: -1 }, 'body.commissionBps'],
    ['a fractional commission', { commissionBps: 12.5 }, 'body.commissionBps'],
    ['a commission as text', { commissionBps: '1000' }, 'body.commissionBps'],
    ['no provider', { providerId: undefined }, 'body.providerId'],
    ['a resellerId (set from the credentials)', { resellerId: '__B__' }, 'body.resellerId'],
    ['a status', { status: 'active' }, 'body.status'],
  ])('a reseller creating a relationship with %s gets 400 naming the field, and nothing is written', async (_label, override, field) => {
    const providerId = await seedProvider(world);
    const before = await world.count('reseller_relationship');
    const body: Record<string, unknown> = { providerId, commissionBps: 1000, ...override };
    if (body.resellerId === '__B__') body.resellerId = world.ids.resellerB;

    const res = await world.as('resellerA').post('/v1/relationships', body);

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(await world.count('reseller_relationship')).toBe(before);
  });

  it('the boundaries 0 % and 50 % are accepted', async () => {
    expect((await world.as('resellerA').post('/v1/relationships', { providerId: await seedProvider(world), commissionBps: 0 })).status).toBe(201);
    expect((await world.as('resellerA').post('/v1/relationships', { providerId: await seedProvider(world), commissionBps: 5000 })).status).toBe(201);
  });

  it('an inactive or unknown provider cannot be resold (404)', async () => {
    const inactive = await seedProvider(world, { active: false });
    expect((await world.as('resellerA').post('/v1/relationships', { providerId: inactive, commissionBps: 10 })).status).toBe(404);
    expect((await world.as('resellerA').post('/v1/relationships', { providerId: randomUUID(), commissionBps: 10 })).status).toBe(404);
  });

  it('an admin creates a relationship for a named reseller, and must name one', async () => {
    const providerId = await seedProvider(world);

    const missing = await world.as('admin').post('/v1/relationships', { providerId, commissionBps: 300 });
    const created = await world.as('admin').post('/v1/relationships', { providerId, commissionBps: 300, resellerId: world.ids.resellerB });
    const unknown = await world.as('admin').post('/v1/relationships', { providerId, commissionBps: 300, resellerId: randomUUID() });

    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'body.resellerId' })]);
    expect(created.status).toBe(201);
    expect(created.body.resellerId).toBe(world.ids.resellerB);
    expect(unknown.status).toBe(404);
  });

  it('customers may not create or list relationships (403)', async () => {
    const providerId = await seedProvider(world);
    expect((await world.as('customerA').post('/v1/relationships', { providerId, commissionBps: 10 })).status).toBe(403);
    expect((await world.as('direct').get('/v1/relationships')).status).toBe(403);
  });

  it('a commission change is audited from → to; re-sending the same value writes nothing', async () => {
    const providerId = await seedProvider(world);
    const id = await seedRelationship(world, 'resellerA', providerId, 1000);

    const changed = await world.as('resellerA').patch(`/v1/relationships/${id}`, { commissionBps: 1500 });
    await world.as('resellerA').patch(`/v1/relationships/${id}`, { commissionBps: 1500 });

    expect(changed.status).toBe(200);
    expect(changed.body.commissionBps).toBe(1500);
    const audit = await world.prisma.auditEvent.findMany({ where: { targetId: id, action: 'relationship.commission_changed' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: 'reseller', actorId: world.ids.resellerA, resellerId: world.ids.resellerA });
    expect(audit[0]?.details).toEqual({ providerId, from: 1000, to: 1500 });
    // the reseller reads it in its own audit log
    const log = await world.as('resellerA').get(`/v1/audit-events?targetId=${id}`);
    expect(log.body.items.map((e: { action: string }) => e.action)).toContain('relationship.commission_changed');
  });

  it('a reseller suspends and reactivates a relationship; an unknown status or a commission above 50 % is 400 and changes nothing', async () => {
    const id = await seedRelationship(world, 'resellerA', await seedProvider(world), 1000);

    const suspended = await world.as('resellerA').patch(`/v1/relationships/${id}`, { status: 'suspended' });
    const bad = await world.as('resellerA').patch(`/v1/relationships/${id}`, { status: 'paused' });
    const greedy = await world.as('resellerA').patch(`/v1/relationships/${id}`, { commissionBps: 5001 });
    const resellerMove = await world.as('resellerA').patch(`/v1/relationships/${id}`, { resellerId: world.ids.resellerB });
    const reactivated = await world.as('resellerA').patch(`/v1/relationships/${id}`, { status: 'active' });

    expect(suspended.body.status).toBe('suspended');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'body.status' })]);
    expect(greedy.status).toBe(400);
    expect(resellerMove.status).toBe(400);
    expect(resellerMove.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'body.resellerId' })]));
    expect(reactivated.body).toMatchObject({ status: 'active', commissionBps: 1000, resellerId: world.ids.resellerA });
    const actions = (await world.prisma.auditEvent.findMany({ where: { targetId: id }, orderBy: { createdAt: 'asc' } })).map((a) => a.action);
    expect(actions).toEqual(['relationship.created', 'relationship.suspended', 'relationship.reactivated']);
  });

  it('another reseller’s relationship answers like a missing one, for reading, changing and deleting', async () => {
    const id = await seedRelationship(world, 'resellerA', await seedProvider(world), 1000);
    const missing = await world.as('resellerB').get(`/v1/relationships/${randomUUID()}`);

    for (const res of [
      await world.as('resellerB').get(`/v1/relationships/${id}`),
      await world.as('resellerB').patch(`/v1/relationships/${id}`, { commissionBps: 0 }),
      await world.as('resellerB').delete(`/v1/relationships/${id}`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe(missing.body.code);
      expect(res.body.detail).toBe(missing.body.detail);
    }
    expect((await world.as('resellerA').get(`/v1/relationships/${id}`)).body.commissionBps).toBe(1000);
  });

  it('a reseller deletes its relationship (audited); the provider is then free to resell again', async () => {
    const providerId = await seedProvider(world);
    const id = await seedRelationship(world, 'resellerA', providerId, 1000);

    const res = await world.as('resellerA').delete(`/v1/relationships/${id}`);

    expect(res.status).toBe(204);
    expect((await world.as('resellerA').get(`/v1/relationships/${id}`)).status).toBe(404);
    expect(await world.prisma.auditEvent.count({ where: { targetId: id, action: 'relationship.deleted' } })).toBe(1);
    expect((await world.as('resellerA').post('/v1/relationships', { providerId, commissionBps: 10 })).status).toBe(201);
  });

  it('a reseller lists its own relationships (filtered by status); an admin all or one reseller’s; a reseller may not filter by reseller', async () => {
    const mine = await seedRelationship(world, 'resellerA', await seedProvider(world), 1);
    const suspended = await seedRelationship(world, 'resellerA', await seedProvider(world), 2);
    await world.as('resellerA').patch(`/v1/relationships/${suspended}`, { status: 'suspended' });
    const theirs = await seedRelationship(world, 'resellerB', await seedProvider(world), 3);

    const own = (await world.as('resellerA').get('/v1/relationships?limit=100')).body.items.map((r: { id: string }) => r.id);
    const ownSuspended = (await world.as('resellerA').get('/v1/relationships?status=suspended&limit=100')).body.items;
    const adminForB = (await world.as('admin').get(`/v1/relationships?resellerId=${world.ids.resellerB}&limit=100`)).body.items;
    const filtering = await world.as('resellerA').get(`/v1/relationships?resellerId=${world.ids.resellerB}`);

    expect(own).toEqual(expect.arrayContaining([mine, suspended]));
    expect(own).not.toContain(theirs);
    expect(ownSuspended.every((r: { status: string }) => r.status === 'suspended')).toBe(true);
    expect(ownSuspended.map((r: { id: string }) => r.id)).toContain(suspended);
    expect(adminForB.every((r: { resellerId: string }) => r.resellerId === world.ids.resellerB)).toBe(true);
    expect(adminForB.map((r: { id: string }) => r.id)).toContain(theirs);
    expect(filtering.status).toBe(400);
    expect(filtering.body.errors).toEqual([expect.objectContaining({ field: 'query.resellerId' })]);
  });
});
