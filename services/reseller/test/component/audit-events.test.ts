// The audit log through GET /v1/audit-events: admins all, a reseller its own, customers never.
import { createWorld, type World } from '../support/world';

let world: World;

beforeAll(async () => {
  world = await createWorld('reseller_audit');
  // one commission change for each reseller, and key events under each
  await world.as('admin').patch(`/v1/resellers/${world.ids.resellerA}`, { commissionRateBps: 1100 });
  await world.as('admin').patch(`/v1/resellers/${world.ids.resellerB}`, { commissionRateBps: 2100 });
  const keyA = await world.as('customerA').post('/v1/api-keys', { name: 'a' });
  await world.as('resellerA').post(`/v1/api-keys/${keyA.body.id}/revoke`);
  await world.as('customerB').post('/v1/api-keys', { name: 'b' });
});

afterAll(async () => {
  await world?.close();
});

type Item = { action: string; resellerId: string | null; actor: { type: string }; target: { id: string } };

describe('GET /v1/audit-events', () => {
  it('shows a reseller only what is filed under it, including its customers’ actions', async () => {
    const res = await world.as('resellerA').get('/v1/audit-events?limit=100');

    expect(res.status).toBe(200);
    const items = res.body.items as Item[];
    expect(items.every((e) => e.resellerId === world.ids.resellerA)).toBe(true);
    expect(items.map((e) => e.action)).toEqual(
      expect.arrayContaining(['reseller.commission_changed', 'apikey.created', 'apikey.revoked', 'customer.created']),
    );
    expect(items.some((e) => e.actor.type === 'customer')).toBe(true);
  });

  it('shows an admin everything, filtered by action, target and reseller', async () => {
    const commission = await world.as('admin').get('/v1/audit-events?action=reseller.commission_changed');
    const forB = await world.as('admin').get(`/v1/audit-events?action=reseller.commission_changed&resellerId=${world.ids.resellerB}`);
    const byTarget = await world.as('admin').get(`/v1/audit-events?targetType=reseller&targetId=${world.ids.resellerA}`);

    expect(commission.body.items.map((e: Item) => e.target.id).sort()).toEqual([world.ids.resellerA, world.ids.resellerB].sort());
    expect(forB.body.items).toEqual([
      expect.objectContaining({ target: { type: 'reseller', id: world.ids.resellerB }, details: { from: 2000, to: 2100 } }),
    ]);
    expect(byTarget.body.items.map((e: Item) => e.action)).toEqual(['reseller.commission_changed', 'reseller.created']);
  });

  it('pages newest first with a cursor without repeating or skipping', async () => {
    const all = await world.as('admin').get('/v1/audit-events?limit=100');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await world
        .as('admin')
        .get(`/v1/audit-events?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.items.map((e) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);

    expect(seen).toEqual(all.body.items.map((e: { id: string }) => e.id));
    expect(seen.length).toBeGreaterThan(4);
  });

  it('refuses the resellerId filter from a reseller with 400', async () => {
    const res = await world.as('resellerA').get(`/v1/audit-events?resellerId=${world.ids.resellerB}`);

    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('query.resellerId');
  });

  it.each(['customerA', 'customerB', 'direct'] as const)('is forbidden to %s', async (caller) => {
    const res = await world.as(caller).get('/v1/audit-events');

    expect(res.status).toBe(403);
    expect(res.body.items).toBeUndefined();
  });

  it('never holds a raw key in any detail', async () => {
    const created = await world.as('direct').post('/v1/api-keys', { name: 'secretive' });
    await world.as('direct').post(`/v1/api-keys/${created.body.id}/rotate`, {});

    const rows = await world.prisma.auditEvent.findMany({ select: { details: true } });

    expect(JSON.stringify(rows)).not.toContain(created.body.key);
    expect(JSON.stringify(rows)).not.toMatch(/rf_sk_[0-9A-Za-z]{12}_/);
  });
});
