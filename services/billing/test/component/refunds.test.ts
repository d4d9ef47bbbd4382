// Refunds of a charge (issue 15 item 7): an admin refunds a charge in part and then the rest; the
// refunds reference the charge and never add up to more than it, even when an order's saga later
// refunds the same order.
import { randomUUID } from 'node:crypto';
import { createLogger } from '@runfleet/service-kit';
import { MONEY_TRANSACTION } from '../../src/db';
import { payOrder, refundOrder } from '../../src/domain/order-payments';
import { verifyLedger } from '../../src/domain/verify-ledger';
import { orderCreated } from '../support/events';
import { createWorld, outboxEvents, UNIT, type World } from '../support/world';

jest.setTimeout(60_000);

let world: World;

beforeAll(async () => {
  world = await createWorld('billing_refunds');
});

afterAll(async () => {
  await world?.close();
});

describe('refunds of a charge', () => {
  it('partial, then the rest, then nothing more; the order saga refunds only what is left', async () => {
    const wallet = await world.newCustomerWallet();
    await world.fund(wallet.id, 20n * UNIT);
    const order = orderCreated(wallet.ownerId, '10');
    await world.prisma.$transaction((tx) => payOrder(tx, order), MONEY_TRANSACTION);
    const charge = await world.prisma.ledgerEntry.findFirstOrThrow({ where: { referenceId: order.orderId, type: 'charge' } });

    const partial = await world.as('admin').post(`/v1/wallets/${wallet.id}/refunds`, { transactionId: charge.id, amount: '4', reason: 'half a service' }, randomUUID());
    expect(partial.status).toBe(201);
    expect(partial.body).toMatchObject({ type: 'refund', amount: '4.000000', refundOf: charge.id, balanceAfter: '14.000000', reference: { kind: 'order', id: order.orderId } });
    const tooMuch = await world.as('admin').post(`/v1/wallets/${wallet.id}/refunds`, { transactionId: charge.id, amount: '6.000001', reason: 'x' }, randomUUID());
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.code).toBe('REFUND_EXCEEDS_CHARGE');

    // the order then fails: billing gives back the 6 that are left, not the whole 10
    await world.prisma.$transaction((tx) => refundOrder(tx, order, 'order failed', createLogger({ service: 'billing', level: 'silent' })), MONEY_TRANSACTION);
    expect((await world.wallet(wallet.id)).balance).toBe(20n * UNIT);
    const rest = await world.as('admin').post(`/v1/wallets/${wallet.id}/refunds`, { transactionId: charge.id, reason: 'again' }, randomUUID());
    expect(rest.status).toBe(409);
    const refunded = (await outboxEvents(world.prisma, 'wallet.refunded')).filter((d) => d.walletId === wallet.id).map((d) => d.amount);
    expect(refunded).toEqual(['4.000000', '6.000000']);
    expect((await verifyLedger(world.prisma)).violations).toEqual([]);
  });

  it('a refund is kept by its Idempotency-Key: a retry, even concurrent, refunds once and answers the same entry; no key is 400', async () => {
    const wallet = await world.newCustomerWallet();
    await world.fund(wallet.id, 20n * UNIT);
    const order = orderCreated(wallet.ownerId, '10');
    await world.prisma.$transaction((tx) => payOrder(tx, order), MONEY_TRANSACTION);
    const charge = await world.prisma.ledgerEntry.findFirstOrThrow({ where: { referenceId: order.orderId, type: 'charge' } });
    const path = `/v1/wallets/${wallet.id}/refunds`;
    const body = { transactionId: charge.id, amount: '1', reason: 'goodwill' };

    const missing = await world.as('admin').post(path, body);
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'header.idempotency-key' })]);
    expect((await world.wallet(wallet.id)).balance).toBe(10n * UNIT);

    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 6 }, () => world.as('admin').post(path, body, key)));
    answers.push(await world.as('admin').post(path, body, key));
    expect(answers.map((a) => a.status)).toEqual(Array(7).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect((await world.wallet(wallet.id)).balance).toBe(11n * UNIT);
    const reused = await world.as('admin').post(path, { ...body, amount: '2' }, key);
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await world.prisma.ledgerEntry.count({ where: { walletId: wallet.id, type: 'refund' } })).toBe(1);
  });

  it('only admins refund; a credit is not a charge; another wallet’s charge is 400 naming the field', async () => {
    const wallet = await world.newCustomerWallet();
    await world.fund(wallet.id, 5n * UNIT);
    const credit = await world.prisma.ledgerEntry.findFirstOrThrow({ where: { walletId: wallet.id } });
    expect((await world.as('resellerA').post(`/v1/wallets/${wallet.id}/refunds`, { transactionId: credit.id, reason: 'x' }, randomUUID())).status).toBe(403);
    const notCharge = await world.as('admin').post(`/v1/wallets/${wallet.id}/refunds`, { transactionId: credit.id, reason: 'x' }, randomUUID());
    expect(notCharge.status).toBe(400);
    expect(notCharge.body.errors[0].field).toBe('body.transactionId');
    expect((await world.wallet(wallet.id)).balance).toBe(5n * UNIT);
  });
});
