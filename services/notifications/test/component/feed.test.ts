// The in-app feed (issue 17 item 6 and "Authorization"): per account, newest first, cursor pages,
// unread count, mark one / all read; an account sees its own items only.
import { randomUUID } from 'node:crypto';
import { createWorld, jobCompleted, type World } from '../support/world';

jest.setTimeout(30_000);

let world: World;

beforeAll(async () => {
  world = await createWorld('notifications_feed');
});

afterAll(async () => {
  await world?.close();
});

describe('the feed', () => {
  it('lists an account’s items newest first, page by page, with the unread count', async () => {
    const base = Date.parse('2026-12-01T00:00:00.000Z');
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      ids.push(await world.deliver('job.completed', jobCompleted(world.ids.direct, null), { occurredAt: new Date(base + i * 1000).toISOString() }));
    }
    const first = await world.as('direct').get('/v1/feed?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.unreadCount).toBe(5);
    expect(first.body.items.map((i: { eventId: string }) => i.eventId)).toEqual([ids[4], ids[3]]);
    expect(first.body.items[0]).toMatchObject({ type: 'job.completed', category: 'jobs', title: 'Job render completed', read: false, readAt: null });
    const second = await world.as('direct').get(`/v1/feed?limit=2&cursor=${first.body.nextCursor}`);
    const third = await world.as('direct').get(`/v1/feed?limit=2&cursor=${second.body.nextCursor}`);
    expect([...second.body.items, ...third.body.items].map((i: { eventId: string }) => i.eventId)).toEqual([ids[2], ids[1], ids[0]]);
    expect(third.body.nextCursor).toBeNull();
  });

  it('a redelivered event adds no second item', async () => {
    const data = jobCompleted(world.ids.customerB, world.ids.resellerB);
    const id = randomUUID();
    await world.deliver('job.completed', data, { id });
    await world.deliver('job.completed', data, { id });
    const feed = await world.as('customerB').get('/v1/feed');
    expect(feed.body.items.filter((i: { eventId: string }) => i.eventId === id)).toHaveLength(1);
  });

  it('marks one item read, then all, and counts what is left unread', async () => {
    const feed = await world.as('direct').get('/v1/feed?limit=100');
    const before = feed.body.unreadCount as number;
    const itemId = feed.body.items[0].id as string;
    const one = await world.as('direct').post(`/v1/feed/${itemId}/read`);
    expect(one.status).toBe(200);
    expect(one.body.item).toMatchObject({ id: itemId, read: true });
    expect(one.body.unreadCount).toBe(before - 1);
    const again = await world.as('direct').post(`/v1/feed/${itemId}/read`);
    expect(again.body.item.readAt).toBe(one.body.item.readAt);
    const unread = await world.as('direct').get('/v1/feed?unread=true&limit=100');
    expect(unread.body.items.map((i: { id: string }) => i.id)).not.toContain(itemId);
    expect(unread.body.items).toHaveLength(before - 1);
    const all = await world.as('direct').post('/v1/feed/read-all');
    expect(all.body).toEqual({ marked: before - 1, unreadCount: 0 });
    expect((await world.as('direct').get('/v1/feed')).body.unreadCount).toBe(0);
  });

  it("a reseller hears its customers' events; the other reseller does not", async () => {
    const id = await world.deliver('job.failed', {
      ...jobCompleted(world.ids.customerA, world.ids.resellerA),
      runnerId: null,
      attempt: 0,
      reason: 'no_compatible_runner',
      message: 'no runner supports render',
    } as never);
    const seen = async (who: 'customerA' | 'resellerA' | 'resellerB' | 'customerB') =>
      (await world.as(who).get('/v1/feed?limit=100')).body.items.some((i: { eventId: string }) => i.eventId === id);
    expect(await seen('customerA')).toBe(true);
    expect(await seen('resellerA')).toBe(true);
    expect(await seen('resellerB')).toBe(false);
    expect(await seen('customerB')).toBe(false);
  });
});

describe('authorization', () => {
  it("a customer cannot read or mark another account's items: they answer 404 like missing ones", async () => {
    await world.deliver('job.completed', jobCompleted(world.ids.customerA, world.ids.resellerA));
    const theirs = (await world.as('customerA').get('/v1/feed')).body.items[0];
    const mark = await world.as('customerB').post(`/v1/feed/${theirs.id}/read`);
    expect(mark.status).toBe(404);
    expect(mark.body.code).toBe('FEED_ITEM_NOT_FOUND');
    expect(mark.body.detail).not.toContain(theirs.id);
    expect((await world.as('customerA').get('/v1/feed')).body.items[0].read).toBe(false);
    const marked = await world.as('customerB').post('/v1/feed/read-all');
    expect(marked.status).toBe(200);
    expect((await world.as('customerA').get('/v1/feed')).body.items[0].read).toBe(false);
  });

  it('admins, runners and services have no feed', async () => {
    expect((await world.as('admin').get('/v1/feed')).status).toBe(403);
    expect((await world.as({ type: 'runner', id: randomUUID(), resellerId: null, scopes: [] }).get('/v1/feed')).status).toBe(403);
    expect((await world.as({ type: 'service', id: 'api-gateway', resellerId: null, scopes: [] }).post('/v1/feed/read-all')).status).toBe(403);
  });

  it('bad input is a 400 naming the field', async () => {
    const res = await world.as('direct').get('/v1/feed?limit=0');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('query.limit');
    const bad = await world.as('direct').post('/v1/feed/not-a-uuid/read');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('params.itemId');
  });
});
