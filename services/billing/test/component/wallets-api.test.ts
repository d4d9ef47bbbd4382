// /v1/wallets through the service's app with signed principals (issue 15 items 1, 2, 7, 10): who
// sees which wallet and ledger, top-ups with their Idempotency-Key kept by billing, and bad input
// answered 4xx problem+json naming the field, with nothing written.
import { randomUUID } from 'node:crypto';
import { createWorld, outboxEvents, UNIT, type ActorName, type World } from '../support/world';

jest.setTimeout(60_000);

let world: World;

beforeAll(async () => {
  world = await createWorld('billing_wallets_api');
  await world.fund(world.wallets.customerA, 20n * UNIT);
});

afterAll(async () => {
  await world?.close();
});

type WalletName = keyof World['wallets'];
const ALL: WalletName[] = ['resellerA', 'resellerB', 'customerA', 'customerB', 'direct'];
const VISIBLE: Record<ActorName, WalletName[]> = {
  admin: ALL,
  resellerA: ['resellerA', 'customerA'],
  resellerB: ['resellerB', 'customerB'],
  customerA: ['customerA'],
  customerB: ['customerB'],
  direct: ['direct'],
};

describe('who sees which wallet', () => {
  it.each(Object.keys(VISIBLE) as ActorName[])('%s lists exactly its wallets, and gets 404 for every other one and its ledger', async (actor) => {
    const list = await world.as(actor).get('/v1/wallets?limit=100');
    expect(list.status).toBe(200);
    expect(new Set(list.body.items.map((w: { id: string }) => w.id))).toEqual(new Set(VISIBLE[actor].map((n) => world.wallets[n])));
    for (const name of ALL) {
      const visible = VISIBLE[actor].includes(name);
      const one = await world.as(actor).get(`/v1/wallets/${world.wallets[name]}`);
      expect([name, one.status]).toEqual([name, visible ? 200 : 404]);
      const ledger = await world.as(actor).get(`/v1/wallets/${world.wallets[name]}/transactions`);
      expect([name, ledger.status]).toEqual([name, visible ? 200 : 404]);
    }
  });

  it('a wallet shows balance, reserved, available and credit as decimal strings', async () => {
    const res = await world.as('customerA').get(`/v1/wallets/${world.wallets.customerA}`);
    expect(res.body).toMatchObject({ ownerType: 'customer', currency: 'EUR', balance: '20.000000', reserved: '0.000000', available: '20.000000', creditLimit: '0.000000', creditStatus: 'active' });
  });
});

describe('top-ups', () => {
  it('an admin credits any wallet; a retry with the same Idempotency-Key credits once and answers the same entry', async () => {
    const key = randomUUID();
    const body = { amount: '12.5', currency: 'EUR', reason: 'bank transfer' };
    const first = await world.as('admin').post(`/v1/wallets/${world.wallets.direct}/credits`, body, key);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ type: 'credit', amount: '12.500000', balanceAfter: '12.500000', actor: { type: 'admin', id: world.ids.admin }, reason: 'bank transfer' });
    const [again, concurrent] = await Promise.all([
      world.as('admin').post(`/v1/wallets/${world.wallets.direct}/credits`, body, key),
      world.as('admin').post(`/v1/wallets/${world.wallets.direct}/credits`, body, key),
    ]);
    expect([again.status, concurrent.status]).toEqual([201, 201]);
    expect([again.body.id, concurrent.body.id]).toEqual([first.body.id, first.body.id]);
    expect([again.headers['idempotent-replayed'], concurrent.headers['idempotent-replayed']]).toEqual(['true', 'true']);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect((await world.wallet(world.wallets.direct)).balance).toBe(12_500_000n);

    const other = await world.as('admin').post(`/v1/wallets/${world.wallets.direct}/credits`, { ...body, amount: '13' }, key);
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(other.body.errors).toEqual([expect.objectContaining({ field: 'header.idempotency-key' })]);
  });

  it('the same key sent concurrently for the first time still credits once', async () => {
    const key = randomUUID();
    const before = (await world.wallet(world.wallets.customerB)).balance;
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => world.as('admin').post(`/v1/wallets/${world.wallets.customerB}/credits`, { amount: '1', currency: 'EUR', reason: 'retry storm' }, key)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect((await world.wallet(world.wallets.customerB)).balance).toBe(before + UNIT);
  });

  it('a reseller credits its customers’ wallets, recorded as its own; another reseller’s customer is 404; a customer may not credit', async () => {
    const own = await world.as('resellerA').post(`/v1/wallets/${world.wallets.customerA}/credits`, { amount: '5', currency: 'EUR', reason: 'promo' }, randomUUID());
    expect(own.status).toBe(201);
    expect(own.body.actor).toEqual({ type: 'reseller', id: world.ids.resellerA });
    const foreign = await world.as('resellerA').post(`/v1/wallets/${world.wallets.customerB}/credits`, { amount: '5', currency: 'EUR', reason: 'promo' }, randomUUID());
    expect(foreign.status).toBe(404);
    const ownEarnings = await world.as('resellerA').post(`/v1/wallets/${world.wallets.resellerA}/credits`, { amount: '5', currency: 'EUR', reason: 'promo' }, randomUUID());
    expect(ownEarnings.status).toBe(404);
    const adjustment = await world.as('resellerA').post(`/v1/wallets/${world.wallets.customerA}/credits`, { amount: '5', currency: 'EUR', reason: 'x', kind: 'adjustment' }, randomUUID());
    expect(adjustment.status).toBe(400);
    const customer = await world.as('customerA').post(`/v1/wallets/${world.wallets.customerA}/credits`, { amount: '5', currency: 'EUR', reason: 'free money' }, randomUUID());
    expect(customer.status).toBe(403);
  });

  it.each([
    ['a negative amount', 'body.amount', { amount: '-5', currency: 'EUR', reason: 'r' }],
    ['zero', 'body.amount', { amount: '0.000000', currency: 'EUR', reason: 'r' }],
    ['an over-precise amount', 'body.amount', { amount: '1.0000001', currency: 'EUR', reason: 'r' }],
    ['a number instead of a string', 'body.amount', { amount: 5, currency: 'EUR', reason: 'r' }],
    ['an unknown currency', 'body.currency', { amount: '5', currency: 'XYZ', reason: 'r' }],
    ['another currency than the wallet’s', 'body.currency', { amount: '5', currency: 'USD', reason: 'r' }],
    ['no reason', 'body.reason', { amount: '5', currency: 'EUR' }],
  ])('%s is 400 problem+json naming %s, and nothing is written', async (_label, field, body) => {
    const entries = await world.count('ledger_entry');
    const keys = await world.count('idempotency_key');
    const res = await world.as('admin').post(`/v1/wallets/${world.wallets.customerA}/credits`, body, randomUUID());
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await world.count('ledger_entry')).toBe(entries);
    expect(await world.count('idempotency_key')).toBe(keys);
  });

  it('an admin adjusts a wallet: an adjustment entry by the admin with its reason, announced as wallet.credited from an adjustment', async () => {
    const wallet = await world.newCustomerWallet();
    const res = await world.as('admin').post(`/v1/wallets/${wallet.id}/credits`, { amount: '2.5', currency: 'EUR', reason: 'goodwill for the outage', kind: 'adjustment' }, randomUUID());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ type: 'adjustment', amount: '2.500000', balanceAfter: '2.500000', actor: { type: 'admin', id: world.ids.admin }, reason: 'goodwill for the outage' });
    expect((await world.wallet(wallet.id)).balance).toBe(2_500_000n);
    const credited = (await outboxEvents(world.prisma, 'wallet.credited')).filter((d) => d.walletId === wallet.id);
    expect(credited).toEqual([expect.objectContaining({ amount: '2.500000', source: 'adjustment' })]);
  });

  it('a credit to a foreign or unknown wallet is 404 problem+json naming params.walletId, and nothing is written', async () => {
    const attempts: [ActorName, string][] = [
      ['resellerA', world.wallets.customerB],
      ['resellerA', world.wallets.direct],
      ['resellerB', world.wallets.customerA],
      ['admin', randomUUID()],
    ];
    for (const [caller, walletId] of attempts) {
      const entries = await world.count('ledger_entry');
      const keys = await world.count('idempotency_key');
      const balances = await world.prisma.wallet.findMany({ select: { id: true, balance: true }, orderBy: { id: 'asc' } });
      const res = await world.as(caller).post(`/v1/wallets/${walletId}/credits`, { amount: '5', currency: 'EUR', reason: 'promo' }, randomUUID());
      expect({ caller, walletId, status: res.status, type: res.headers['content-type'] }).toEqual({ caller, walletId, status: 404, type: expect.stringMatching(/^application\/problem\+json/) });
      expect(res.body).toMatchObject({ code: 'WALLET_NOT_FOUND', errors: [{ field: 'params.walletId' }] });
      expect(await world.count('ledger_entry')).toBe(entries);
      expect(await world.count('idempotency_key')).toBe(keys);
      expect(await world.prisma.wallet.findMany({ select: { id: true, balance: true }, orderBy: { id: 'asc' } })).toEqual(balances);
    }
  });

  it('a credit without an Idempotency-Key is 400 naming the header, and nothing is written', async () => {
    const entries = await world.count('ledger_entry');
    const res = await world.as('admin').post(`/v1/wallets/${world.wallets.customerA}/credits`, { amount: '5', currency: 'EUR', reason: 'r' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'header.idempotency-key' })]);
    expect(await world.count('ledger_entry')).toBe(entries);
  });
});

describe('the ledger', () => {
  it('lists a wallet’s entries newest first, filtered by type and time, page by page', async () => {
    const wallet = await world.newCustomerWallet();
    const start = new Date();
    for (let i = 1; i <= 5; i += 1) await world.fund(wallet.id, BigInt(i) * UNIT);
    const admin = world.as('admin');
    const first = await admin.get(`/v1/wallets/${wallet.id}/transactions?limit=2`);
    expect(first.body.items.map((e: { amount: string }) => e.amount)).toEqual(['5.000000', '4.000000']);
    const second = await admin.get(`/v1/wallets/${wallet.id}/transactions?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((e: { amount: string }) => e.amount)).toEqual(['3.000000', '2.000000']);
    const third = await admin.get(`/v1/wallets/${wallet.id}/transactions?limit=2&cursor=${second.body.nextCursor}`);
    expect(third.body).toMatchObject({ items: [expect.objectContaining({ amount: '1.000000', balanceAfter: '1.000000' })], nextCursor: null });

    expect((await admin.get(`/v1/wallets/${wallet.id}/transactions?type=charge,refund`)).body.items).toEqual([]);
    expect((await admin.get(`/v1/wallets/${wallet.id}/transactions?type=credit`)).body.items).toHaveLength(5);
    expect((await admin.get(`/v1/wallets/${wallet.id}/transactions?to=${start.toISOString()}`)).body.items).toEqual([]);
    const bad = await admin.get(`/v1/wallets/${wallet.id}/transactions?type=gift`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toMatch(/^query\.type/);
  });

  it('exports every matching entry as CSV, with formula-like text defused; another actor’s wallet is 404', async () => {
    const wallet = await world.newCustomerWallet({ resellerId: world.ids.resellerA });
    for (let i = 1; i <= 3; i += 1) await world.fund(wallet.id, BigInt(i) * UNIT);
    await world.as('admin').post(`/v1/wallets/${wallet.id}/credits`, { amount: '0.5', currency: 'EUR', reason: '=HYPERLINK("x"), "quoted"' }, randomUUID());
    const res = await world.as('resellerA').get(`/v1/wallets/${wallet.id}/transactions?format=csv&limit=1`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.text.trim().split('\r\n');
    expect(lines[0]).toBe('id,createdAt,type,amount,reservedChange,balanceAfter,reservedAfter,referenceKind,referenceId,holdId,refundOf,actorType,actorId,reason');
    expect(lines).toHaveLength(5);
    expect(lines[1]).toContain(',credit,0.500000,0.000000,6.500000,0.000000,');
    expect(lines[1]).toMatch(/,"'=HYPERLINK\(""x""\), ""quoted"""$/);
    expect((await world.as('resellerB').get(`/v1/wallets/${wallet.id}/transactions?format=csv`)).status).toBe(404);
  });
});
