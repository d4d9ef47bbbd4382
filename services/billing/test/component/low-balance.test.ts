// wallet.low_balance (issue 15 item 5, acceptance "Low balance"): emitted once when available
// crosses below the wallet's threshold, even under 100 concurrent charges; re-armed when a credit
// lifts it back to the threshold, so the next crossing emits again.
import { MONEY_TRANSACTION } from '../../src/db';
import { payOrder } from '../../src/domain/order-payments';
import { orderCreated } from '../support/events';
import { createWorld, outboxEvents, UNIT, type World } from '../support/world';

jest.setTimeout(120_000);

let world: World;

beforeAll(async () => {
  world = await createWorld('billing_low_balance', { poolMax: 10 });
});

afterAll(async () => {
  await world?.close();
});

async function lowBalanceEvents(walletId: string) {
  return (await outboxEvents(world.prisma, 'wallet.low_balance')).filter((d) => d.walletId === walletId);
}

function charge(customerId: string, total: string) {
  return world.prisma.$transaction((tx) => payOrder(tx, orderCreated(customerId, total)), MONEY_TRANSACTION);
}

describe('low balance', () => {
  it('100 concurrent charges of 1 from 100 past a threshold of 50 emit wallet.low_balance exactly once; a credit re-arms it', async () => {
    const wallet = await world.newCustomerWallet();
    await world.prisma.wallet.update({ where: { id: wallet.id }, data: { lowBalanceThreshold: 50n * UNIT } });
    await world.fund(wallet.id, 100n * UNIT);

    const outcomes = await Promise.all(Array.from({ length: 100 }, () => charge(wallet.ownerId, '1')));
    expect(outcomes.every((o) => o === 'paid')).toBe(true);
    const first = await lowBalanceEvents(wallet.id);
    expect(first).toEqual([{ walletId: wallet.id, customerId: wallet.ownerId, resellerId: null, balance: '49.000000', available: '49.000000', threshold: '50.000000', currency: 'EUR' }]);

    // still below: no second alarm; back above: re-armed; below again: a second alarm
    await world.fund(wallet.id, 10n * UNIT);
    expect(await lowBalanceEvents(wallet.id)).toHaveLength(1);
    await world.fund(wallet.id, 50n * UNIT);
    await charge(wallet.ownerId, '10');
    expect(await lowBalanceEvents(wallet.id)).toHaveLength(1);
    await charge(wallet.ownerId, '1');
    expect(await lowBalanceEvents(wallet.id)).toHaveLength(2);
  });
});
