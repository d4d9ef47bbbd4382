// Credit-setting changes are emitted (issue 15 item 8: "every change is audited and emitted"): an
// admin's PATCH /v1/wallets/{id} reaches the real broker as wallet.credit_changed, once, naming the
// settings before and after and the audit row; a PATCH that changes nothing is audited but not
// announced; a refused change (limit below the debt) writes and emits nothing.
import { randomUUID } from 'node:crypto';
import { MONEY_TRANSACTION } from '../../src/db';
import { payOrder } from '../../src/domain/order-payments';
import { settled, startBroker, waitFor, type Broker } from '../support/broker';
import { orderCreated } from '../support/events';
import { createWorld, type World } from '../support/world';

jest.setTimeout(60_000);

let world: World;
let broker: Broker;

beforeAll(async () => {
  world = await createWorld('billing_credit_changed');
  broker = await startBroker(world, 'billing_credit_changed');
});

afterAll(async () => {
  await broker?.close();
  await world?.close();
});

const changesOf = (walletId: string) => broker.observed('wallet.credit_changed').filter((e) => e.data.walletId === walletId);

describe('wallet.credit_changed', () => {
  it("an admin's change reaches the broker once, with before, after and the audit row", async () => {
    const wallet = await world.newCustomerWallet();
    const res = await world.as('admin').patch(`/v1/wallets/${wallet.id}`, { creditLimit: '50', creditStatus: 'suspended', reason: 'credit approved, on hold' });
    expect(res.status).toBe(200);
    await waitFor(() => changesOf(wallet.id).length > 0, 'wallet.credit_changed is on the broker');
    const audit = await world.prisma.walletChange.findFirstOrThrow({ where: { walletId: wallet.id } });
    expect(changesOf(wallet.id)[0]!.data).toEqual({
      walletId: wallet.id,
      ownerType: 'customer',
      customerId: wallet.ownerId,
      resellerId: wallet.resellerId,
      currency: 'EUR',
      before: { creditLimit: '0.000000', creditStatus: 'active', lowBalanceThreshold: '0.000000' },
      after: { creditLimit: '50.000000', creditStatus: 'suspended', lowBalanceThreshold: '0.000000' },
      changedFields: ['creditLimit', 'creditStatus'],
      changeId: audit.id,
      actorType: 'admin',
      actorId: world.ids.admin,
      reason: 'credit approved, on hold',
    });

    // the threshold alone; then the same settings again (audited, nothing to announce)
    expect((await world.as('admin').patch(`/v1/wallets/${wallet.id}`, { lowBalanceThreshold: '5', reason: 'warn earlier' })).status).toBe(200);
    expect((await world.as('admin').patch(`/v1/wallets/${wallet.id}`, { lowBalanceThreshold: '5', reason: 'again' })).status).toBe(200);
    const seen = await settled(async () => changesOf(wallet.id).length);
    expect(seen).toBe(2);
    expect(changesOf(wallet.id)[1]!.data).toMatchObject({ changedFields: ['lowBalanceThreshold'], reason: 'warn earlier' });
    expect(await world.prisma.walletChange.count({ where: { walletId: wallet.id } })).toBe(3);
  });

  it('a refused change (a limit below the debt) writes and emits nothing', async () => {
    const wallet = await world.newCustomerWallet();
    expect((await world.as('admin').patch(`/v1/wallets/${wallet.id}`, { creditLimit: '20', reason: 'credit' })).status).toBe(200);
    const order = orderCreated(wallet.ownerId, '15', { orderId: randomUUID() });
    expect(await world.prisma.$transaction((tx) => payOrder(tx, order), MONEY_TRANSACTION)).toBe('paid');
    await waitFor(() => changesOf(wallet.id).length === 1, 'the first change is on the broker');
    const cut = await world.as('admin').patch(`/v1/wallets/${wallet.id}`, { creditLimit: '10', reason: 'cut' });
    expect(cut.status).toBe(409);
    // long enough for the relay (100 ms polls) to have published a late event
    expect(await settled(async () => changesOf(wallet.id).length)).toBe(1);
    expect(await world.prisma.walletChange.count({ where: { walletId: wallet.id } })).toBe(1);
  });
});
