// The order flow end to end on the real broker (issue 4 acceptance; DESIGN.md §4 "Order"): the
// service's own consumers, inbox and outbox relay run against a vhost of this suite; billing is
// simulated by publishing its order.paid / order.payment_failed envelopes. Published twice, an
// event has one effect.
import { randomUUID } from 'node:crypto';
import type { Envelope, EventData } from '@runfleet/contracts';
import { createWorld, type World } from '../support/world';
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

  it('a payment that arrives after the customer cancelled is handed back: order.cancelled with previousStatus paid is published for the refund', async () => {
    const order = await placeOrderAs(world, 'customerA', offeringId);
    const created = await createdOnBroker(order.id as string);
    expect((await world.as('customerA').post(`/v1/orders/${order.id}/cancel`, { reason: 'changed my mind' })).body.status).toBe('cancelled');

    await broker.publishAsBilling('order.paid', { ...(created.data as OrderCreated), transactionId: randomUUID() });

    await waitFor(
      () => broker.observed('order.cancelled').some((e) => (e.data as { orderId: string; previousStatus: string }).orderId === order.id && (e.data as { previousStatus: string }).previousStatus === 'paid'),
      'a refunding order.cancelled is published',
    );
    expect(await orderStatus(order.id as string)).toBe('cancelled');
    const cancellations = broker.observed('order.cancelled').filter((e) => (e.data as { orderId: string }).orderId === order.id);
    expect(cancellations.map((e) => (e.data as { previousStatus: string }).previousStatus)).toEqual(['pending', 'paid']);
  });
});
