// Billing's side of the order saga on the real broker (issue 15 item 6; DESIGN.md §4 "Order"):
// the reseller service is simulated by publishing its order events. order.created → the total is
// charged (order.paid) or refused (order.payment_failed, with the reason); order.failed and
// order.cancelled after payment → one full refund; order.refund_requested → the named charge given
// back once per key, never beyond what the saga already refunded. Each exactly once per order.
import { randomUUID } from 'node:crypto';
import type { EventData } from '@runfleet/contracts';
import { verifyLedger } from '../../src/domain/verify-ledger';
import { settled, startBroker, waitFor, type Broker } from '../support/broker';
import { orderCreated } from '../support/events';
import { createWorld, UNIT, type World } from '../support/world';

jest.setTimeout(120_000);

let world: World;
let broker: Broker;
let customerId: string;
let walletId: string;

beforeAll(async () => {
  world = await createWorld('billing_order_saga');
  broker = await startBroker(world, 'billing_order_saga');
  const wallet = await world.newCustomerWallet();
  ({ id: walletId, ownerId: customerId } = wallet);
  await world.fund(walletId, 100n * UNIT);
});

afterAll(async () => {
  await broker?.close();
  await world?.close();
});

const forOrder = <T extends { data: { orderId: string } }>(events: T[], orderId: string) => events.filter((e) => e.data.orderId === orderId);

async function balance(): Promise<bigint> {
  return (await world.wallet(walletId)).balance;
}

describe('order saga, billing side', () => {
  it('order.created delivered twice charges the total once and answers order.paid once, with the ledger entry', async () => {
    const order = orderCreated(customerId, '12.5');
    const created = await broker.publish('order.created', order);
    await broker.republish(created);
    await broker.publish('order.created', order); // the same order under a new message id
    await waitFor(() => forOrder(broker.observed('order.paid'), order.orderId).length === 1, 'order.paid is published');
    await settled(async () => forOrder(broker.observed('order.paid'), order.orderId).length);
    const paid = forOrder(broker.observed('order.paid'), order.orderId);
    expect(paid).toHaveLength(1);
    const charge = await world.prisma.ledgerEntry.findFirstOrThrow({ where: { referenceId: order.orderId, type: 'charge' } });
    expect(paid[0]!.data).toEqual({ ...order, transactionId: charge.id });
    expect(charge.amount).toBe(-12_500_000n);
    expect(await balance()).toBe(87_500_000n);
  });

  it('an order the wallet cannot cover fails with insufficient_funds and charges nothing', async () => {
    const before = await balance();
    const order = orderCreated(customerId, '1000');
    await broker.publish('order.created', order);
    await waitFor(() => forOrder(broker.observed('order.payment_failed'), order.orderId).length === 1, 'order.payment_failed is published');
    expect(forOrder(broker.observed('order.payment_failed'), order.orderId)[0]!.data).toMatchObject({ reason: 'insufficient_funds', total: '1000' });
    expect(await balance()).toBe(before);
    expect(await world.prisma.ledgerEntry.count({ where: { referenceId: order.orderId } })).toBe(0);
  });

  it('order.failed after payment refunds the total once (wallet.refunded), however often it arrives', async () => {
    const order = orderCreated(customerId, '7');
    await broker.publish('order.created', order);
    await waitFor(() => forOrder(broker.observed('order.paid'), order.orderId).length === 1, 'the order is paid');
    const before = await balance();
    const failed: EventData<'order.failed'> = { ...order, reason: 'provider out of capacity' };
    const first = await broker.publish('order.failed', failed);
    await broker.republish(first);
    await broker.publish('order.failed', failed);
    await waitFor(() => broker.observed('wallet.refunded').some((e) => e.data.reference.id === order.orderId), 'wallet.refunded is published');
    const refunds = await settled(async () => world.prisma.ledgerEntry.findMany({ where: { referenceId: order.orderId, type: 'refund' } }));
    expect(refunds).toHaveLength(1);
    const charge = await world.prisma.ledgerEntry.findFirstOrThrow({ where: { referenceId: order.orderId, type: 'charge' } });
    expect(refunds[0]).toMatchObject({ amount: 7_000_000n, refundOf: charge.id });
    expect(await balance()).toBe(before + 7_000_000n);
    expect(broker.observed('wallet.refunded').filter((e) => e.data.reference.id === order.orderId)).toHaveLength(1);
  });

  it('order.cancelled after payment refunds; cancelled before billing saw it, a late order.created charges nothing', async () => {
    const paidThenCancelled = orderCreated(customerId, '3');
    await broker.publish('order.created', paidThenCancelled);
    await waitFor(() => forOrder(broker.observed('order.paid'), paidThenCancelled.orderId).length === 1, 'the order is paid');
    await broker.publish('order.cancelled', { ...paidThenCancelled, previousStatus: 'paid', reason: 'customer changed their mind' });
    await waitFor(() => broker.observed('wallet.refunded').some((e) => e.data.reference.id === paidThenCancelled.orderId), 'the cancelled order is refunded');

    const before = await balance();
    const early = orderCreated(customerId, '4', { orderId: randomUUID() });
    await broker.publish('order.cancelled', { ...early, previousStatus: 'pending', reason: 'ordered by mistake' });
    await waitFor(async () => (await world.prisma.orderPayment.count({ where: { orderId: early.orderId } })) === 1, 'billing records the cancellation');
    const late = await broker.publish('order.created', early);
    await waitFor(async () => (await world.prisma.inboxMessage.count({ where: { messageId: late.id } })) === 1, 'billing handled the late order.created');
    expect(await world.prisma.ledgerEntry.count({ where: { referenceId: early.orderId } })).toBe(0);
    expect(await balance()).toBe(before);
    expect(forOrder(broker.observed('order.paid'), early.orderId)).toHaveLength(0);
  });

  const refundRequest = (order: EventData<'order.created'>, transactionId: string): EventData<'order.refund_requested'> => ({
    ...order,
    transactionId,
    amount: order.total,
    reason: 'order_cancelled',
    keptTransactionId: null,
    idempotencyKey: `order-refund:${transactionId}`,
  });
  const handled = async (envelope: { id: string }) => (await world.prisma.inboxMessage.count({ where: { messageId: envelope.id } })) === 1;

  it('order.refund_requested gives the named charge back once per key, however often it is published; a later cancel refunds nothing more', async () => {
    const order = orderCreated(customerId, '5');
    await broker.publish('order.created', order);
    await waitFor(() => forOrder(broker.observed('order.paid'), order.orderId).length === 1, 'the order is paid');
    const chargeId = forOrder(broker.observed('order.paid'), order.orderId)[0]!.data.transactionId;
    const before = await balance();

    const request = refundRequest(order, chargeId);
    const first = await broker.publish('order.refund_requested', request);
    await broker.republish(first);
    await broker.publish('order.refund_requested', request); // the reseller reports it again: a new message id, the same key
    await broker.publish('order.refund_requested', request);
    await waitFor(() => broker.observed('wallet.refunded').some((e) => e.data.reference.id === order.orderId), 'wallet.refunded is published');
    const refunds = await settled(async () => world.prisma.ledgerEntry.findMany({ where: { referenceId: order.orderId, type: 'refund' } }));
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ amount: 5_000_000n, refundOf: chargeId, idempotencyKey: `refund-request:order-refund:${chargeId}` });
    expect(await balance()).toBe(before + 5_000_000n);
    expect(await world.prisma.orderPayment.findUniqueOrThrow({ where: { orderId: order.orderId } })).toMatchObject({ status: 'refunded', refundEntryId: refunds[0]!.id });

    const cancelled = await broker.publish('order.cancelled', { ...order, previousStatus: 'paid', reason: 'customer changed their mind' });
    await waitFor(() => handled(cancelled), 'billing handled the cancellation');
    expect(await world.prisma.ledgerEntry.count({ where: { referenceId: order.orderId, type: 'refund' } })).toBe(1);
    expect(await balance()).toBe(before + 5_000_000n);
    expect(broker.observed('wallet.refunded').filter((e) => e.data.reference.id === order.orderId)).toHaveLength(1);
  });

  it('a refund request for a charge the saga already gave back (order.cancelled first) refunds nothing more', async () => {
    const order = orderCreated(customerId, '2');
    await broker.publish('order.created', order);
    await waitFor(() => forOrder(broker.observed('order.paid'), order.orderId).length === 1, 'the order is paid');
    const chargeId = forOrder(broker.observed('order.paid'), order.orderId)[0]!.data.transactionId;
    await broker.publish('order.cancelled', { ...order, previousStatus: 'paid', reason: 'customer changed their mind' });
    await waitFor(() => broker.observed('wallet.refunded').some((e) => e.data.reference.id === order.orderId), 'the cancelled order is refunded');
    const before = await balance();

    const request = await broker.publish('order.refund_requested', refundRequest(order, chargeId));
    await waitFor(() => handled(request), 'billing handled the refund request');
    expect(await world.prisma.ledgerEntry.count({ where: { referenceId: order.orderId, type: 'refund' } })).toBe(1);
    expect(await balance()).toBe(before);
  });

  it('a refund request naming a ledger entry that is not a charge of the order moves nothing', async () => {
    const order = orderCreated(customerId, '1');
    const before = await balance();
    const request = await broker.publish('order.refund_requested', refundRequest(order, randomUUID()));
    await waitFor(() => handled(request), 'billing handled the refund request');
    expect(await world.prisma.ledgerEntry.count({ where: { referenceId: order.orderId } })).toBe(0);
    expect(await balance()).toBe(before);
  });

  it('afterwards verify finds the wallet consistent', async () => {
    expect((await verifyLedger(world.prisma)).violations).toEqual([]);
  });
});
