// The scheduled overdue check (issue 15 item 8; DESIGN.md §2 "Credit account"), with a moved clock:
// a wallet below zero past the reminder delay gets wallet.overdue_reminder once per episode, even
// with two checks running at the same moment; past the suspension delay it is suspended (audited,
// wallet.credit_changed) and refuses orders; back at zero or above re-arms the check.
import { randomUUID } from 'node:crypto';
import { MONEY_TRANSACTION } from '../../src/db';
import { checkAllOverdueWallets, type OverduePolicy } from '../../src/domain/overdue-check';
import { payOrder } from '../../src/domain/order-payments';
import { orderCreated } from '../support/events';
import { createWorld, outboxEvents, UNIT, type World } from '../support/world';

jest.setTimeout(60_000);

const DAY_MS = 86_400_000;
const POLICY: OverduePolicy = { remindAfterDays: 7, suspendAfterDays: 30 };
let world: World;

beforeAll(async () => {
  world = await createWorld('billing_overdue_check', { poolMax: 6 });
});

afterAll(async () => {
  await world?.close();
});

const pay = (customerId: string, total: string) => world.prisma.$transaction((tx) => payOrder(tx, orderCreated(customerId, total, { orderId: randomUUID() })), MONEY_TRANSACTION);

/** A customer wallet with 100 of credit that owes `debt` (its overdue episode starts now). */
async function walletInDebt(debt: string) {
  const wallet = await world.newCustomerWallet();
  expect((await world.as('admin').patch(`/v1/wallets/${wallet.id}`, { creditLimit: '100', reason: 'credit account' })).status).toBe(200);
  expect(await pay(wallet.ownerId, debt)).toBe('paid');
  return wallet;
}

const remindersOf = async (walletId: string) => (await outboxEvents(world.prisma, 'wallet.overdue_reminder')).filter((d) => d.walletId === walletId);
const creditChangesOf = async (walletId: string) => (await outboxEvents(world.prisma, 'wallet.credit_changed')).filter((d) => d.walletId === walletId);
const row = (walletId: string) => world.prisma.wallet.findUniqueOrThrow({ where: { id: walletId } });
const check = () => checkAllOverdueWallets(world.deps, POLICY, 3);

describe('overdue check', () => {
  it('reminds once past N days (two checks at once → one reminder each), suspends past M, re-arms when paid up', async () => {
    const wallets = await Promise.all(Array.from({ length: 10 }, () => walletInDebt('20')));
    const paidInTime = await walletInDebt('5');
    const first = wallets[0]!;
    expect(await row(first.id)).toMatchObject({ overdueStage: 'none' });
    expect((await row(first.id)).overdueSince).toBeInstanceOf(Date);

    world.clock.advance(6 * DAY_MS);
    await world.fund(paidInTime.id, 5n * UNIT);
    expect(await row(paidInTime.id)).toMatchObject({ overdueSince: null, overdueStage: 'none' });
    expect(await check()).toEqual({ reminded: 0, suspended: 0 });

    world.clock.advance(2 * DAY_MS);
    const [a, b] = await Promise.all([check(), check()]);
    expect(a.reminded + b.reminded).toBe(10);
    for (const wallet of wallets) expect(await remindersOf(wallet.id)).toHaveLength(1);
    expect(await remindersOf(paidInTime.id)).toEqual([]);
    const overdueSince = (await row(first.id)).overdueSince!;
    expect((await remindersOf(first.id))[0]).toEqual({
      walletId: first.id,
      ownerType: 'customer',
      customerId: first.ownerId,
      resellerId: null,
      balance: '-20.000000',
      currency: 'EUR',
      overdueSince: overdueSince.toISOString(),
      suspendAt: new Date(overdueSince.getTime() + 30 * DAY_MS).toISOString(),
    });
    // a later pass in the same episode reminds no one again
    world.clock.advance(DAY_MS);
    expect(await check()).toEqual({ reminded: 0, suspended: 0 });

    // past M days: suspended once, audited, announced; it refuses orders
    world.clock.advance(22 * DAY_MS);
    const [c, d] = await Promise.all([check(), check()]);
    expect(c.suspended + d.suspended).toBe(10);
    expect(await row(first.id)).toMatchObject({ creditStatus: 'suspended', overdueStage: 'suspended' });
    const audit = await world.prisma.walletChange.findMany({ where: { walletId: first.id }, orderBy: { createdAt: 'asc' } });
    expect(audit).toHaveLength(2);
    expect(audit[1]).toMatchObject({ actorType: 'system', actorId: 'overdue-check', after: { creditLimit: '100000000', creditStatus: 'suspended', lowBalanceThreshold: '0' } });
    const changes = await creditChangesOf(first.id);
    expect(changes).toHaveLength(2);
    expect(changes[1]).toMatchObject({ changedFields: ['creditStatus'], actorType: 'system', actorId: 'overdue-check', changeId: audit[1]!.id });
    expect(await pay(first.ownerId, '1')).toBe('payment_failed');
    expect(await check()).toEqual({ reminded: 0, suspended: 0 });

    // an admin lets it trade again while still in debt: the check does not fight the admin this episode
    expect((await world.as('admin').patch(`/v1/wallets/${first.id}`, { creditStatus: 'active', reason: 'payment plan agreed' })).status).toBe(200);
    world.clock.advance(DAY_MS);
    expect(await check()).toEqual({ reminded: 0, suspended: 0 });

    // paid up: the episode ends; a new debt is a new episode, reminded again after N days
    await world.fund(first.id, 20n * UNIT);
    expect(await row(first.id)).toMatchObject({ overdueSince: null, overdueStage: 'none' });
    // the new episode begins at the database's real time: bring the moved clock back to it
    world.clock.advance(-32 * DAY_MS);
    expect(await pay(first.ownerId, '3')).toBe('paid');
    expect(await check()).toEqual({ reminded: 0, suspended: 0 });
    world.clock.advance(8 * DAY_MS);
    expect(await check()).toEqual({ reminded: 1, suspended: 0 });
    expect(await remindersOf(first.id)).toHaveLength(2);
    expect((await remindersOf(first.id))[1]).toMatchObject({ balance: '-3.000000' });
  });
});
