// Credit accounts (issue 15 item 8): an admin sets a wallet's credit limit, status and low-balance
// threshold, audited with who and why; a wallet that is not active refuses new holds and orders;
// a limit below the debt is refused.
import { randomUUID } from 'node:crypto';
import { MONEY_TRANSACTION } from '../../src/db';
import { payOrder } from '../../src/domain/order-payments';
import { orderCreated } from '../support/events';
import { createWorld, UNIT, type World } from '../support/world';

jest.setTimeout(60_000);

let world: World;

beforeAll(async () => {
  world = await createWorld('billing_credit_settings');
});

afterAll(async () => {
  await world?.close();
});

const pay = (customerId: string, total: string) => world.prisma.$transaction((tx) => payOrder(tx, orderCreated(customerId, total, { orderId: randomUUID() })), MONEY_TRANSACTION);

describe('credit settings', () => {
  it('an admin grants credit: the wallet may go below zero down to the limit, and the change is audited', async () => {
    const wallet = await world.newCustomerWallet();
    const res = await world.as('admin').patch(`/v1/wallets/${wallet.id}`, { creditLimit: '50', lowBalanceThreshold: '5', reason: 'credit approved' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ creditLimit: '50.000000', lowBalanceThreshold: '5.000000', available: '0.000000', creditStatus: 'active' });
    expect(await pay(wallet.ownerId, '50')).toBe('paid');
    expect(await pay(wallet.ownerId, '0.000001')).toBe('payment_failed');
    expect((await world.wallet(wallet.id)).balance).toBe(-50n * UNIT);
    const audit = await world.prisma.walletChange.findMany({ where: { walletId: wallet.id } });
    expect(audit).toEqual([
      expect.objectContaining({
        actorType: 'admin',
        actorId: world.ids.admin,
        reason: 'credit approved',
        before: { creditLimit: '0', creditStatus: 'active', lowBalanceThreshold: '0' },
        after: { creditLimit: '50000000', creditStatus: 'active', lowBalanceThreshold: '5000000' },
      }),
    ]);

    const tooLow = await world.as('admin').patch(`/v1/wallets/${wallet.id}`, { creditLimit: '10', reason: 'cut' });
    expect(tooLow.status).toBe(409);
    expect(tooLow.body.code).toBe('WALLET_CREDIT_LIMIT_TOO_LOW');
    expect(await world.prisma.walletChange.count({ where: { walletId: wallet.id } })).toBe(1);
  });

  it('a suspended wallet refuses orders until it is active again', async () => {
    const wallet = await world.newCustomerWallet();
    await world.fund(wallet.id, 10n * UNIT);
    expect((await world.as('admin').patch(`/v1/wallets/${wallet.id}`, { creditStatus: 'suspended', reason: 'overdue' })).status).toBe(200);
    expect(await pay(wallet.ownerId, '1')).toBe('payment_failed');
    await world.as('admin').patch(`/v1/wallets/${wallet.id}`, { creditStatus: 'active', reason: 'paid up' });
    expect(await pay(wallet.ownerId, '1')).toBe('paid');
  });

  it('only admins change credit settings; bad values are 400 naming the field', async () => {
    for (const actor of ['resellerA', 'customerA'] as const) {
      expect((await world.as(actor).patch(`/v1/wallets/${world.wallets.customerA}`, { creditLimit: '1000', reason: 'please' })).status).toBe(403);
    }
    const negative = await world.as('admin').patch(`/v1/wallets/${world.wallets.customerA}`, { creditLimit: '-1', reason: 'x' });
    expect(negative.status).toBe(400);
    expect(negative.body.errors[0].field).toBe('body.creditLimit');
    const status = await world.as('admin').patch(`/v1/wallets/${world.wallets.customerA}`, { creditStatus: 'frozen', reason: 'x' });
    expect(status.body.errors[0].field).toBe('body.creditStatus');
    expect(await world.prisma.walletChange.count({ where: { walletId: world.wallets.customerA } })).toBe(0);
  });
});
