// The order flow end to end on the real broker (issue 4 acceptance; DESIGN.md §4 "Order"): the
// service's own consumers, inbox and outbox relay run against a vhost of this suite; billing is
// simulated by publishing its order.paid / order.payment_failed envelopes. Published twice, an
// event has one effect. A charge the order cannot keep is handed back with order.refund_requested
// (issue 13 item 3).
import { randomUUID } from 'node:crypto';
import type { Envelope, EventData } from '@runfleet/contracts';
import { createWorld, outboxEvents, type World } from '../support/world';
import { startBroker, waitFor, type Broker } from '../support/broker';
import { placeOrderAs, seedResoldOffering } from '../support/commerce-fixtures';

jest.setTimeout(60_000);

type OrderCreated = EventData<'order.created'>;

let world: World;
let broker: Broker;
let offeringId: string;

beforeAll(async () => {
  world = await createWorld('reseller_order_flow');
  broker = await startBroker(world, 'reseller_order_flow');
  ({ offeringId } = await seedResoldOffering(world, 1250, '100.00'));
});

afterAll(async () => {
  await broker?.close();
  await world?.close();
});

const PAYMENTS = 'reseller.order-payments';
const SALES = 'reseller.tier-sales';

async function orderStatus(id: string): Promise<string> {
  return (await world.as('resellerA').get(`/v1/orders/${id}`)).body.status;
}

/** The order.created that reached the broker for this order, as billing would receive it. */
async function createdOnBroker(orderId: string): Promise<Envelope & { data: Record<string, unknown> }> {
  await waitFor(() => broker.observed('order.created').some((e) => (e.data as { orderId: string }).orderId === orderId), `order.created for ${orderId} is published`);
  return broker.observed('order.created').find((e) => (e.data as { orderId: string }).orderId === orderId) as Envelope & { data: Record<string, unknown> };
}

describe('order flow with billing simulated on the broker', () => {
  it('a placed order reaches billing as order.created; order.paid makes it paid; the reseller fulfils it and order.fulfilled is published', async () => {
    const order = await placeOrderAs(world, 'customerA', offeringId);
    const created = await createdOnBroker(order.id as string);
    expect(created).toMatchObject({ producer: 'reseller', data: { total: '112.500000', resellerId: world.ids.resellerA } });

    // billing charged the total and answers with the order's data plus its ledger entry
    const transactionId = randomUUID();
    await broker.publishAsBilling('order.paid', { ...(created.data as OrderCreated), transactionId }, {});
    await waitFor(async () => (await orderStatus(order.id as string)) === 'paid', 'the order is paid');

    const fulfilled = await world.as('resellerA').post(`/v1/orders/${order.id}/fulfil`, { externalOrderId: 'prov-42', details: { host: 'h' } });
    expect(fulfilled.body.status).toBe('fulfilled');
    await waitFor(() => broker.observed('order.fulfilled').some((e) => (e.data as { orderId: string }).orderId === order.id), 'order.fulfilled is published');
    // the charge's ledger entry stays on the order
    const row = await world.prisma.resellerOrder.findUniqueOrThrow({ where: { id: order.id as string } });
    expect(row.paymentTransactionId).toBe(transactionId);
  });

  it('order.paid published twice is applied once: one paid transition, one sale, the second delivery counted as a duplicate', async () => {
    const order = await placeOrderAs(world, 'customerA', offeringId);
    const created = await createdOnBroker(order.id as string);
    const duplicatesBefore = { payments: await broker.consumed(PAYMENTS, 'duplicate'), sales: await broker.consumed(SALES, 'duplicate') };

    const paid = await broker.publishAsBilling('order.paid', { ...(created.data as OrderCreated), transactionId: randomUUID() });
    await waitFor(async () => (await orderStatus(order.id as string)) === 'paid', 'the order is paid');
    const afterFirst = await world.prisma.resellerOrder.findUniqueOrThrow({ where: { id: order.id as string } });
    await broker.republish(paid);
    await waitFor(
      async () => (await broker.consumed(PAYMENTS, 'duplicate')) > duplicatesBefore.payments && (await broker.consumed(SALES, 'duplicate')) > duplicatesBefore.sales,
      'both consumers saw the duplicate',
    );

    const afterSecond = await world.prisma.resellerOrder.findUniqueOrThrow({ where: { id: order.id as string } });
    expect(afterSecond).toEqual(afterFirst);
    expect(await world.prisma.resellerSale.count({ where: { sourceId: order.id as string } })).toBe(1);
    expect(await world.prisma.inboxMessage.count({ where: { messageId: paid.id } })).toBe(2); // one per queue
  });

  it('order.payment_failed makes a pending order failed with billing’s reason; published twice it changes nothing more', async () => {
    const order = await placeOrderAs(world, 'customerA', offeringId);
    const created = await createdOnBroker(order.id as string);
    const duplicatesBefore = await broker.consumed(PAYMENTS, 'duplicate');

    const failed = await broker.publishAsBilling('order.payment_failed', {
      ...(created.data as OrderCreated),
      reason: 'insufficient_funds',
      message: 'available balance 20.000000 EUR is below 112.500000 EUR',
    });
    await waitFor(async () => (await orderStatus(order.id as string)) === 'failed', 'the order is failed');
    const first = await world.prisma.resellerOrder.findUniqueOrThrow({ where: { id: order.id as string } });
    await broker.republish(failed);
    await waitFor(async () => (await broker.consumed(PAYMENTS, 'duplicate')) > duplicatesBefore, 'the duplicate was seen');

    const read = await world.as('customerA').get(`/v1/orders/${order.id}`);
    expect(read.body.reason).toBe('payment failed (insufficient_funds): available balance 20.000000 EUR is below 112.500000 EUR');
    expect(await world.prisma.resellerOrder.findUniqueOrThrow({ where: { id: order.id as string } })).toEqual(first);
    // a failed payment is no sale
    expect(await world.prisma.resellerSale.count({ where: { sourceId: order.id as string } })).toBe(0);
  });

  it('a second payment with another transaction id is handed back: one order.refund_requested for it, however often it is reported, and the refund metric counts it', async () => {
    const order = await placeOrderAs(world, 'customerA', offeringId);
    const created = await createdOnBroker(order.id as string);
    const first = randomUUID();
    const second = randomUUID();
    const refundsBefore = await broker.refundsRequested('duplicate_payment');

    await broker.publishAsBilling('order.paid', { ...(created.data as OrderCreated), transactionId: first });
    await waitFor(async () => (await orderStatus(order.id as string)) === 'paid', 'the order is paid');
    const processedBefore = await broker.consumed(PAYMENTS, 'processed');
    const duplicate = await broker.publishAsBilling('order.paid', { ...(created.data as OrderCreated), transactionId: second });
    // the same duplicate again: redelivered as is, and re-reported by billing under a new envelope id
    await broker.republish(duplicate);
    await broker.publishAsBilling('order.paid', { ...(created.data as OrderCreated), transactionId: second });
    await waitFor(async () => (await broker.consumed(PAYMENTS, 'processed')) >= processedBefore + 2, 'both envelopes of the duplicate were handled');

    const refunds = () => broker.observed('order.refund_requested').filter((e) => (e.data as { orderId: string }).orderId === order.id);
    await waitFor(() => refunds().length > 0, 'order.refund_requested is published');
    await stableFor(() => refunds().length, 1_500);
    expect(refunds()).toHaveLength(1);
    expect(refunds()[0]).toMatchObject({
      producer: 'reseller',
      data: {
        orderId: order.id,
        transactionId: second,
        keptTransactionId: first,
        amount: '112.500000',
        currency: 'EUR',
        reason: 'duplicate_payment',
        idempotencyKey: `order-refund:${second}`,
      },
    });
    expect((await outboxEvents(world.prisma, 'order.refund_requested')).filter((e) => e.orderId === order.id)).toHaveLength(1);
    expect(await broker.refundsRequested('duplicate_payment')).toBe(refundsBefore + 1);
    const warned = broker.warnings().filter((line) => line.orderId === order.id && line.transactionId === second);
    expect(warned).toEqual([expect.objectContaining({ level: 'warn', reason: 'duplicate_payment', keptTransactionId: first })]);
    // the order keeps the first charge
    const row = await world.prisma.resellerOrder.findUniqueOrThrow({ where: { id: order.id as string } });
    expect(row).toMatchObject({ status: 'paid', paymentTransactionId: first });
  });

  it('a second payment for a fulfilled order is handed back too', async () => {
    const order = await placeOrderAs(world, 'customerA', offeringId);
    const created = await createdOnBroker(order.id as string);
    await broker.publishAsBilling('order.paid', { ...(created.data as OrderCreated), transactionId: randomUUID() });
    await waitFor(async () => (await orderStatus(order.id as string)) === 'paid', 'the order is paid');
    expect((await world.as('resellerA').post(`/v1/orders/${order.id}/fulfil`, { externalOrderId: 'prov-7', details: {} })).status).toBe(200);

    const second = randomUUID();
    await broker.publishAsBilling('order.paid', { ...(created.data as OrderCreated), transactionId: second });

    await waitFor(
      () => broker.observed('order.refund_requested').some((e) => (e.data as { transactionId: string }).transactionId === second),
      'order.refund_requested is published',
    );
    expect(broker.observed('order.refund_requested').find((e) => (e.data as { transactionId: string }).transactionId === second)?.data).toMatchObject({
      reason: 'duplicate_payment',
    });
    expect(await orderStatus(order.id as string)).toBe('fulfilled');
  });

  it('a payment that arrives after the customer cancelled is handed back with order.refund_requested (order_cancelled); the order stays cancelled', async () => {
    const order = await placeOrderAs(world, 'customerA', offeringId);
    const created = await createdOnBroker(order.id as string);
    expect((await world.as('customerA').post(`/v1/orders/${order.id}/cancel`, { reason: 'changed my mind' })).body.status).toBe('cancelled');
    const refundsBefore = await broker.refundsRequested('order_cancelled');

    const transactionId = randomUUID();
    await broker.publishAsBilling('order.paid', { ...(created.data as OrderCreated), transactionId });

    const refunds = () => broker.observed('order.refund_requested').filter((e) => (e.data as { orderId: string }).orderId === order.id);
    await waitFor(() => refunds().length > 0, 'order.refund_requested is published');
    expect(refunds()[0]?.data).toMatchObject({ transactionId, reason: 'order_cancelled', keptTransactionId: null, amount: '112.500000' });
    expect(await orderStatus(order.id as string)).toBe('cancelled');
    expect(await broker.refundsRequested('order_cancelled')).toBe(refundsBefore + 1);
    // one refund signal only: no second order.cancelled asking for the same money
    const cancellations = broker.observed('order.cancelled').filter((e) => (e.data as { orderId: string }).orderId === order.id);
    expect(cancellations.map((e) => (e.data as { previousStatus: string }).previousStatus)).toEqual(['pending']);
  });

  it('a payment for an order whose payment had failed is handed back (order_failed), not dead-lettered', async () => {
    const order = await placeOrderAs(world, 'customerA', offeringId);
    const created = await createdOnBroker(order.id as string);
    await broker.publishAsBilling('order.payment_failed', { ...(created.data as OrderCreated), reason: 'insufficient_funds', message: 'too little' });
    await waitFor(async () => (await orderStatus(order.id as string)) === 'failed', 'the order is failed');
    const refundsBefore = await broker.refundsRequested('order_failed');

    const transactionId = randomUUID();
    await broker.publishAsBilling('order.paid', { ...(created.data as OrderCreated), transactionId });

    await waitFor(
      () => broker.observed('order.refund_requested').some((e) => (e.data as { transactionId: string }).transactionId === transactionId),
      'order.refund_requested is published',
    );
    expect(broker.observed('order.refund_requested').find((e) => (e.data as { transactionId: string }).transactionId === transactionId)?.data).toMatchObject({
      orderId: order.id,
      reason: 'order_failed',
    });
    expect(await orderStatus(order.id as string)).toBe('failed');
    expect(await broker.refundsRequested('order_failed')).toBe(refundsBefore + 1);
  });
});

/** Resolves once `read()` has kept one value for `quietMs` (long enough for a late duplicate to show). */
async function stableFor(read: () => number, quietMs: number): Promise<void> {
  let last = read();
  let since = Date.now();
  const deadline = Date.now() + 15_000;
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error('the count never settled');
    await new Promise((r) => setTimeout(r, 50));
    const now = read();
    if (now !== last) {
      last = now;
      since = Date.now();
    }
  }
}
