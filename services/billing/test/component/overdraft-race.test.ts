// M2 overdraft race (issue 15 acceptance): a wallet with 100 and 200 concurrent holds — and,
// separately, 200 concurrent charges — of 1 each: exactly 100 succeed, the wallet ends at exactly
// 0 available, never below, and verify finds nothing wrong. Each attempt is its own transaction
// through the use case the consumers call, on the real PostgreSQL.
import { randomUUID } from 'node:crypto';
import { MONEY_TRANSACTION } from '../../src/db';
import { insertPriceVersion } from '../../src/data/price-list.repository';
import { payOrder } from '../../src/domain/order-payments';
import { placeJobHold } from '../../src/domain/place-job-hold';
import { verifyLedger } from '../../src/domain/verify-ledger';
import { jobSubmitted, orderCreated } from '../support/events';
import { createWorld, UNIT, type World } from '../support/world';

jest.setTimeout(120_000);

let world: World;

beforeAll(async () => {
  world = await createWorld('billing_overdraft_race', { poolMax: 10 });
  await insertPriceVersion(world.prisma, {
    jobType: 'render',
    unit: 'second',
    unitPrice: 10_000n,
    currency: 'EUR',
    retired: false,
    effectiveFrom: new Date(Date.now() - 60_000),
    createdBy: 'test',
  });
});

afterAll(async () => {
  await world?.close();
});

const ATTEMPTS = 200;

describe('concurrent holds and charges never overdraw a wallet', () => {
  it('200 concurrent holds of 1 on a balance of 100: exactly 100 are placed, available ends at 0', async () => {
    const wallet = await world.newCustomerWallet();
    await world.fund(wallet.id, 100n * UNIT);
    const outcomes = await Promise.all(
      Array.from({ length: ATTEMPTS }, () =>
        world.prisma.$transaction((tx) => placeJobHold(tx, jobSubmitted(wallet.ownerId, { maxCost: '1' }), new Date(), { holdTtlMs: 60_000 }), MONEY_TRANSACTION),
      ),
    );
    expect(outcomes.filter((o) => o === 'placed')).toHaveLength(100);
    expect(outcomes.filter((o) => o === 'rejected')).toHaveLength(100);
    const after = await world.wallet(wallet.id);
    expect({ balance: after.balance, reserved: after.reserved }).toEqual({ balance: 100n * UNIT, reserved: 100n * UNIT });
    expect(await world.prisma.hold.count({ where: { walletId: wallet.id, status: 'pending' } })).toBe(100);
  });

  it('200 concurrent charges of 1 on a balance of 100: exactly 100 are paid, the balance ends at 0', async () => {
    const wallet = await world.newCustomerWallet();
    await world.fund(wallet.id, 100n * UNIT);
    const outcomes = await Promise.all(
      Array.from({ length: ATTEMPTS }, () => world.prisma.$transaction((tx) => payOrder(tx, orderCreated(wallet.ownerId, '1')), MONEY_TRANSACTION)),
    );
    expect(outcomes.filter((o) => o === 'paid')).toHaveLength(100);
    expect(outcomes.filter((o) => o === 'payment_failed')).toHaveLength(100);
    const after = await world.wallet(wallet.id);
    expect(after.balance).toBe(0n);
    expect(await world.prisma.ledgerEntry.count({ where: { walletId: wallet.id, type: 'charge' } })).toBe(100);
  });

  it('with a credit limit of 5 the same race stops at −5, never below', async () => {
    const wallet = await world.newCustomerWallet();
    await world.prisma.wallet.update({ where: { id: wallet.id }, data: { creditLimit: 5n * UNIT } });
    await world.fund(wallet.id, 10n * UNIT);
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, () => world.prisma.$transaction((tx) => payOrder(tx, orderCreated(wallet.ownerId, '1', { orderId: randomUUID() })), MONEY_TRANSACTION)),
    );
    expect(outcomes.filter((o) => o === 'paid')).toHaveLength(15);
    expect((await world.wallet(wallet.id)).balance).toBe(-5n * UNIT);
  });

  it('after the races verify finds every wallet consistent', async () => {
    const report = await verifyLedger(world.prisma);
    expect(report.violations).toEqual([]);
    expect(report.wallets).toBeGreaterThanOrEqual(8);
  });
});
