// POST /v1/orders is idempotent in the reseller service itself (issue 13 item 2), not only at the
// gateway: the Idempotency-Key, scoped to the caller, is claimed in the order's transaction, so a
// retry gets the first order back whatever happened to the first answer — against the real PostgreSQL.
import { randomUUID } from 'node:crypto';
import { prismaExecutor } from '@runfleet/messaging';
import { pruneIdempotencyKeys } from '@runfleet/idempotency';
import { createWorld, outboxEvents, type World } from '../support/world';
import { seedResoldOffering } from '../support/commerce-fixtures';

jest.setTimeout(60_000);

let world: World;
let offeringId: string;

beforeAll(async () => {
  world = await createWorld('reseller_idem_orders');
  ({ offeringId } = await seedResoldOffering(world, 1250, '100.00'));
});

afterAll(async () => {
  await world?.close();
});

const ordersOf = (customerId: string) => world.prisma.resellerOrder.count({ where: { customerId } });
const createdEventsFor = async (orderId: string) => (await outboxEvents(world.prisma, 'order.created')).filter((e) => e.orderId === orderId);

describe('an Idempotency-Key on POST /v1/orders, kept by the service', () => {
  it('the same key twice places one order: the retry answers 201 with the same order, marked as replayed, and one order.created', async () => {
    const key = randomUUID();
    const before = await ordersOf(world.ids.customerA);

    const first = await world.as('customerA').post('/v1/orders', { offeringId, quantity: 2 }, { idempotencyKey: key });
    const retry = await world.as('customerA').post('/v1/orders', { quantity: 2, offeringId }, { idempotencyKey: key });

    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await ordersOf(world.ids.customerA)).toBe(before + 1);
    expect(await createdEventsFor(first.body.id)).toHaveLength(1);
  });

  it('concurrent identical requests with one key place one order, and every one of them gets it', async () => {
    const key = randomUUID();
    const before = await ordersOf(world.ids.customerA);

    const results = await Promise.all(Array.from({ length: 8 }, () => world.as('customerA').post('/v1/orders', { offeringId }, { idempotencyKey: key })));

    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(await ordersOf(world.ids.customerA)).toBe(before + 1);
    expect(await createdEventsFor(results[0]!.body.id)).toHaveLength(1);
  });

  it('the same key with another body is 422 IDEMPOTENCY_KEY_REUSED naming the header, and places nothing', async () => {
    const key = randomUUID();
    expect((await world.as('customerA').post('/v1/orders', { offeringId, quantity: 1 }, { idempotencyKey: key })).status).toBe(201);
    const before = await ordersOf(world.ids.customerA);

    const reused = await world.as('customerA').post('/v1/orders', { offeringId, quantity: 5 }, { idempotencyKey: key });

    expect(reused.status).toBe(422);
    expect(reused.headers['content-type']).toContain('application/problem+json');
    expect(reused.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', errors: [{ field: 'header.idempotency-key' }] });
    expect(await ordersOf(world.ids.customerA)).toBe(before);
  });

  it('a key is scoped to its caller: another customer using the same key places its own order', async () => {
    const key = randomUUID();
    const a = await world.as('customerA').post('/v1/orders', { offeringId }, { idempotencyKey: key });
    const direct = await world.as('direct').post('/v1/orders', { offeringId }, { idempotencyKey: key });

    expect(a.status).toBe(201);
    expect(direct.status).toBe(201);
    expect(direct.body.id).not.toBe(a.body.id);
    expect(direct.body.customerId).toBe(world.ids.direct);
  });

  it('a create that failed leaves the key unused: the corrected retry with the same key places the order', async () => {
    const key = randomUUID();
    const failed = await world.as('customerA').post('/v1/orders', { offeringId: randomUUID() }, { idempotencyKey: key });
    expect(failed.status).toBe(404);

    const retried = await world.as('customerA').post('/v1/orders', { offeringId }, { idempotencyKey: key });
    expect(retried.status).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
  });

  it('without an Idempotency-Key, or with a malformed one, it is 400 naming the header and nothing is written', async () => {
    const before = { orders: await world.count('reseller_order'), outbox: await world.count('outbox_event'), keys: await world.count('idempotency_key') };

    const missing = await world.as('customerA').post('/v1/orders', { offeringId }, { idempotencyKey: null });
    const malformed = await world.as('customerA').post('/v1/orders', { offeringId }, { idempotencyKey: 'has a space' });

    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_MISSING', errors: [{ field: 'header.idempotency-key', message: 'is required' }] });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_INVALID', errors: [{ field: 'header.idempotency-key' }] });
    expect({ orders: await world.count('reseller_order'), outbox: await world.count('outbox_event'), keys: await world.count('idempotency_key') }).toEqual(before);
  });

  it('keys are kept 30 days: the prune forgets older ones and keeps the rest', async () => {
    const old = randomUUID();
    const recent = randomUUID();
    expect((await world.as('customerA').post('/v1/orders', { offeringId }, { idempotencyKey: old })).status).toBe(201);
    expect((await world.as('customerA').post('/v1/orders', { offeringId }, { idempotencyKey: recent })).status).toBe(201);
    await world.prisma.idempotencyKey.updateMany({ where: { key: old }, data: { createdAt: new Date(Date.now() - 31 * 24 * 3600 * 1000) } });

    await world.prisma.$transaction((tx) => pruneIdempotencyKeys(prismaExecutor(tx)));

    expect(await world.prisma.idempotencyKey.count({ where: { key: old } })).toBe(0);
    expect(await world.prisma.idempotencyKey.count({ where: { key: recent } })).toBe(1);
  });
});
