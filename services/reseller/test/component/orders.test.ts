// Orders over HTTP (issue 4 "Orders"): placed from the marketplace with prices frozen, scoped reads,
// and the people-driven transitions (fulfil, fail, cancel) with their events, audit entries and
// 409s naming the current status. Billing's side is in order-flow.test.ts (real broker).
import { randomUUID } from 'node:crypto';
import { createWorld, outboxEvents, type World } from '../support/world';
import { markPaid, placeOrderAs, seedOffering, seedProvider, seedRelationship, seedResoldOffering } from '../support/commerce-fixtures';

let world: World;
let resold: { providerId: string; offeringId: string };

beforeAll(async () => {
  world = await createWorld('reseller_orders');
  resold = await seedResoldOffering(world, 1250, '100.00');
});

afterAll(async () => {
  await world?.close();
});

async function writes() {
  return { orders: await world.count('reseller_order'), outbox: await world.count('outbox_event'), audit: await world.count('audit_event') };
}

describe('placing an order', () => {
  it('a customer orders from its marketplace: pending, with base price, commission and total frozen, and order.created in the outbox', async () => {
    const res = await world.as('customerA').post('/v1/orders', { offeringId: resold.offeringId, quantity: 3 });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      customerId: world.ids.customerA,
      resellerId: world.ids.resellerA,
      offeringId: resold.offeringId,
      providerId: resold.providerId,
      quantity: 3,
      commissionBps: 1250,
      basePrice: '300.000000',
      commission: '37.500000',
      total: '337.500000',
      currency: 'EUR',
      status: 'pending',
      reason: null,
      externalOrderId: null,
      details: null,
    });
    const created = (await outboxEvents(world.prisma, 'order.created')).find((e) => e.orderId === res.body.id);
    expect(created).toEqual({
      orderId: res.body.id,
      customerId: world.ids.customerA,
      resellerId: world.ids.resellerA,
      offeringId: resold.offeringId,
      offeringName: res.body.offeringName,
      providerId: resold.providerId,
      basePrice: '300.000000',
      commission: '37.500000',
      total: '337.500000',
      currency: 'EUR',
    });
  });

  it('a later price or commission change leaves placed orders as they were', async () => {
    const { providerId, offeringId } = await seedResoldOffering(world, 1000, '10.00');
    const order = await placeOrderAs(world, 'customerA', offeringId);
    const relationship = (await world.as('resellerA').get(`/v1/relationships?providerId=${providerId}`)).body.items[0];

    await world.as('admin').patch(`/v1/offerings/${offeringId}`, { basePrice: '99.00' });
    await world.as('resellerA').patch(`/v1/relationships/${relationship.id}`, { commissionBps: 5000 });

    expect((await world.as('customerA').get(`/v1/orders/${order.id}`)).body).toMatchObject({ basePrice: '10.000000', commission: '1.000000', total: '11.000000' });
  });

  it('a direct customer buys at base price, through no reseller', async () => {
    const order = await placeOrderAs(world, 'direct', resold.offeringId);
    expect(order).toMatchObject({ resellerId: null, commissionBps: 0, basePrice: '100.000000', commission: '0.000000', total: '100.000000' });
  });

  it('quantity defaults to 1', async () => {
    expect((await placeOrderAs(world, 'customerA', resold.offeringId)).quantity).toBe(1);
  });

  it('an offering outside the customer’s marketplace answers like a missing one (404), and nothing is written', async () => {
    const inactive = await seedOffering(world, resold.providerId, { active: false });
    const before = await writes();

    const missing = await world.as('customerB').post('/v1/orders', { offeringId: randomUUID() });
    const notResoldByB = await world.as('customerB').post('/v1/orders', { offeringId: resold.offeringId });
    const inactiveOne = await world.as('customerA').post('/v1/orders', { offeringId: inactive });

    for (const res of [notResoldByB, inactiveOne]) {
      expect(res.status).toBe(404);
      expect({ code: res.body.code, detail: res.body.detail }).toEqual({ code: missing.body.code, detail: missing.body.detail });
    }
    expect(missing.body.code).toBe('OFFERING_NOT_FOUND');
    expect(await writes()).toEqual(before);
  });

  it('an offering priced in another currency than the customer’s wallet is 409, and nothing is written', async () => {
    const providerId = await seedProvider(world);
    const usd = await seedOffering(world, providerId, { currency: 'USD' });
    await seedRelationship(world, 'resellerA', providerId, 0);
    const before = await writes();

    const res = await world.as('customerA').post('/v1/orders', { offeringId: usd });

    expect(res.status).toBe(409);
    expect(res.body.code).toBe('ORDER_CURRENCY_MISMATCH');
    expect(await writes()).toEqual(before);
  });

  it.each([
    ['quantity 0', { quantity: 0 }, 'body.quantity'],
    ['quantity 10001', { quantity: 10_001 }, 'body.quantity'],
    ['a fractional quantity', { quantity: 1.5 }, 'body.quantity'],
    ['quantity as text', { quantity: '2' }, 'body.quantity'],
    ['an offeringId that is no uuid', { offeringId: 'x' }, 'body.offeringId'],
    ['a status', { status: 'paid' }, 'body.status'],
    ['a resellerId', { resellerId: randomUUID() }, 'body.resellerId'],
    ['a commission', { commission: '0' }, 'body.commission'],
    ['a total', { total: '0.01' }, 'body.total'],
    ['a customerId', { customerId: randomUUID() }, 'body.customerId'],
  ])('ordering with %s is 400 naming the field, and nothing is written', async (_label, override, field) => {
    const before = await writes();
    const res = await world.as('customerA').post('/v1/orders', { offeringId: resold.offeringId, ...override });

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(await writes()).toEqual(before);
  });

  it.each(['admin', 'resellerA'] as const)('the %s may not place orders (403)', async (caller) => {
    expect((await world.as(caller).post('/v1/orders', { offeringId: resold.offeringId })).status).toBe(403);
  });
});

describe('reading orders', () => {
  it('a reseller lists its customers’ orders, by status and customer; a customer its own; an admin any reseller’s', async () => {
    const ofA = await placeOrderAs(world, 'customerA', resold.offeringId);
    const paidOfA = await placeOrderAs(world, 'customerA', resold.offeringId);
    await markPaid(world, paidOfA.id as string);
    const providerOfB = await seedProvider(world);
    const forB = await seedOffering(world, providerOfB);
    await seedRelationship(world, 'resellerB', providerOfB, 100);
    const ofB = await placeOrderAs(world, 'customerB', forB);
    const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((o) => o.id);

    const resellerA = await world.as('resellerA').get('/v1/orders?limit=100');
    const resellerAPaid = await world.as('resellerA').get('/v1/orders?status=paid&limit=100');
    const byCustomer = await world.as('resellerA').get(`/v1/orders?customerId=${world.ids.customerA}&limit=100`);
    const customerB = await world.as('customerB').get('/v1/orders?limit=100');
    const adminForB = await world.as('admin').get(`/v1/orders?resellerId=${world.ids.resellerB}&limit=100`);

    expect(ids(resellerA)).toEqual(expect.arrayContaining([ofA.id, paidOfA.id]));
    expect(ids(resellerA)).not.toContain(ofB.id);
    expect(ids(resellerAPaid)).toContain(paidOfA.id);
    expect(ids(resellerAPaid)).not.toContain(ofA.id);
    expect(byCustomer.body.items.every((o: { customerId: string }) => o.customerId === world.ids.customerA)).toBe(true);
    expect(ids(customerB)).toEqual([ofB.id]);
    expect(ids(adminForB)).toEqual([ofB.id]);
  });

  it('pages newest first with the cursor', async () => {
    const placed = [];
    for (let i = 0; i < 3; i += 1) placed.push((await placeOrderAs(world, 'direct', resold.offeringId)).id);
    const first = await world.as('direct').get('/v1/orders?limit=2');
    const second = await world.as('direct').get(`/v1/orders?limit=2&cursor=${first.body.nextCursor}`);
    const seen = [...first.body.items, ...second.body.items].map((o: { id: string }) => o.id);
    expect(seen.slice(0, 3)).toEqual([...placed].reverse());
  });

  it('filters a caller may not use are 400 naming them', async () => {
    const customerFilter = await world.as('customerA').get(`/v1/orders?customerId=${world.ids.customerB}`);
    const resellerFilter = await world.as('resellerA').get(`/v1/orders?resellerId=${world.ids.resellerB}`);
    const badStatus = await world.as('resellerA').get('/v1/orders?status=shipped');

    expect(customerFilter.body.errors).toEqual([expect.objectContaining({ field: 'query.customerId' })]);
    expect(resellerFilter.body.errors).toEqual([expect.objectContaining({ field: 'query.resellerId' })]);
    expect(badStatus.body.errors).toEqual([expect.objectContaining({ field: 'query.status' })]);
  });

  it('another customer’s or another reseller’s order answers like a missing one', async () => {
    const order = await placeOrderAs(world, 'customerA', resold.offeringId);
    const missing = await world.as('customerB').get(`/v1/orders/${randomUUID()}`);

    for (const caller of ['customerB', 'direct', 'resellerB'] as const) {
      const res = await world.as(caller).get(`/v1/orders/${order.id}`);
      expect(res.status).toBe(404);
      expect(res.body.detail).toBe(missing.body.detail);
    }
    for (const caller of ['customerA', 'resellerA', 'admin'] as const) {
      expect((await world.as(caller).get(`/v1/orders/${order.id}`)).body.id).toBe(order.id);
    }
  });
});

describe('order transitions', () => {
  async function paidOrder(): Promise<string> {
    const order = await placeOrderAs(world, 'customerA', resold.offeringId);
    await markPaid(world, order.id as string);
    return order.id as string;
  }

  it('the reseller fulfils a paid order with the provider’s id and details: fulfilled, order.fulfilled emitted, audited', async () => {
    const id = await paidOrder();
    const details = { host: 'pg-1.provider.example', port: 5432, tags: ['eu'] };

    const res = await world.as('resellerA').post(`/v1/orders/${id}/fulfil`, { externalOrderId: 'prov-1', details });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'fulfilled', externalOrderId: 'prov-1', details });
    expect(res.body.fulfilledAt).not.toBeNull();
    expect(Date.parse(res.body.updatedAt)).toBeGreaterThan(Date.parse(res.body.createdAt));
    const event = (await outboxEvents(world.prisma, 'order.fulfilled')).find((e) => e.orderId === id);
    expect(event).toMatchObject({ externalOrderId: 'prov-1', details, total: '112.500000', resellerId: world.ids.resellerA });
    const audit = await world.prisma.auditEvent.findMany({ where: { targetId: id, action: 'order.fulfilled' } });
    expect(audit).toEqual([expect.objectContaining({ actorType: 'reseller', actorId: world.ids.resellerA, resellerId: world.ids.resellerA })]);
  });

  it('fulfilling a pending order, or a fulfilled one again, is 409 naming the current status, and nothing is written', async () => {
    const pending = await placeOrderAs(world, 'customerA', resold.offeringId);
    const fulfilled = await paidOrder();
    await world.as('resellerA').post(`/v1/orders/${fulfilled}/fulfil`, { externalOrderId: 'p', details: {} });
    const before = await writes();

    const early = await world.as('resellerA').post(`/v1/orders/${pending.id}/fulfil`, { externalOrderId: 'p', details: {} });
    const again = await world.as('resellerA').post(`/v1/orders/${fulfilled}/fulfil`, { externalOrderId: 'q', details: {} });

    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'ORDER_INVALID_TRANSITION' });
    expect(early.body.detail).toMatch(/^The order is pending;/);
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/^The order is fulfilled;/);
    expect(await writes()).toEqual(before);
    expect((await world.as('resellerA').get(`/v1/orders/${fulfilled}`)).body.externalOrderId).toBe('p');
  });

  it.each([
    ['no externalOrderId', { details: {} }, 'body.externalOrderId'],
    ['details that are a list', { externalOrderId: 'p', details: [1] }, 'body.details'],
    ['details over 16 KB', { externalOrderId: 'p', details: { blob: 'x'.repeat(16 * 1024) } }, 'body.details'],
    ['a status', { externalOrderId: 'p', details: {}, status: 'fulfilled' }, 'body.status'],
  ])('fulfilling with %s is 400 naming the field, and the order stays paid', async (_label, body, field) => {
    const id = await paidOrder();
    const res = await world.as('resellerA').post(`/v1/orders/${id}/fulfil`, body);

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect((await world.as('resellerA').get(`/v1/orders/${id}`)).body.status).toBe('paid');
  });

  it('of five concurrent fulfilments exactly one wins; the others get 409 and one event is emitted', async () => {
    const id = await paidOrder();

    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => world.as('resellerA').post(`/v1/orders/${id}/fulfil`, { externalOrderId: `p-${i}`, details: {} })),
    );

    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    expect((await outboxEvents(world.prisma, 'order.fulfilled')).filter((e) => e.orderId === id)).toHaveLength(1);
  });

  it('the reseller fails a paid order with a reason: failed, order.failed emitted for the refund, audited', async () => {
    const id = await paidOrder();

    const res = await world.as('resellerA').post(`/v1/orders/${id}/fail`, { reason: 'provider out of capacity' });

    expect(res.body).toMatchObject({ status: 'failed', reason: 'provider out of capacity' });
    expect((await outboxEvents(world.prisma, 'order.failed')).find((e) => e.orderId === id)).toMatchObject({ reason: 'provider out of capacity', total: '112.500000' });
    expect(await world.prisma.auditEvent.count({ where: { targetId: id, action: 'order.failed' } })).toBe(1);
    const again = await world.as('resellerA').post(`/v1/orders/${id}/fail`, { reason: 'again' });
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/^The order is failed;/);
  });

  it('failing needs a reason (400) and a paid order (409 for a pending one)', async () => {
    const pending = await placeOrderAs(world, 'customerA', resold.offeringId);
    const noReason = await world.as('resellerA').post(`/v1/orders/${pending.id}/fail`, {});
    const early = await world.as('resellerA').post(`/v1/orders/${pending.id}/fail`, { reason: 'x' });

    expect(noReason.body.errors).toEqual([expect.objectContaining({ field: 'body.reason' })]);
    expect(early.status).toBe(409);
    expect(early.body.detail).toMatch(/^The order is pending;/);
  });

  it('the customer cancels its pending order: cancelled, order.cancelled emitted; a paid order cannot be cancelled (409)', async () => {
    const pending = await placeOrderAs(world, 'customerA', resold.offeringId);
    const paid = await paidOrder();

    const cancelled = await world.as('customerA').post(`/v1/orders/${pending.id}/cancel`, { reason: 'ordered by mistake' });
    const tooLate = await world.as('customerA').post(`/v1/orders/${paid}/cancel`);

    expect(cancelled.body).toMatchObject({ status: 'cancelled', reason: 'ordered by mistake' });
    expect((await outboxEvents(world.prisma, 'order.cancelled')).find((e) => e.orderId === pending.id)).toMatchObject({
      previousStatus: 'pending',
      reason: 'ordered by mistake',
    });
    expect(tooLate.status).toBe(409);
    expect(tooLate.body.detail).toMatch(/^The order is paid;/);
  });

  it('the reseller may cancel its customer’s pending order (no reason given); the other reseller may not', async () => {
    const pending = await placeOrderAs(world, 'customerA', resold.offeringId);

    const foreign = await world.as('resellerB').post(`/v1/orders/${pending.id}/cancel`);
    const own = await world.as('resellerA').post(`/v1/orders/${pending.id}/cancel`);

    expect(foreign.status).toBe(404);
    expect(own.body).toMatchObject({ status: 'cancelled', reason: 'cancelled by the reseller' });
  });

  it('only the order’s reseller or an admin fulfils or fails: a customer gets 403, another reseller 404', async () => {
    const id = await paidOrder();

    expect((await world.as('customerA').post(`/v1/orders/${id}/fulfil`, { externalOrderId: 'p', details: {} })).status).toBe(403);
    expect((await world.as('customerA').post(`/v1/orders/${id}/fail`, { reason: 'x' })).status).toBe(403);
    expect((await world.as('resellerB').post(`/v1/orders/${id}/fulfil`, { externalOrderId: 'p', details: {} })).status).toBe(404);
    expect((await world.as('admin').post(`/v1/orders/${id}/fulfil`, { externalOrderId: 'p', details: {} })).status).toBe(200);
  });
});
