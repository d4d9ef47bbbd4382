// Commissions (issue 16 item 1) on a real PostgreSQL and RabbitMQ: billing learns a reseller's terms
// from its events, earns commission on its customers' job charges and fulfilled orders, claws it
// back in proportion to refunds, and credits the earnings wallet on approval.
import { randomUUID } from 'node:crypto';
import { formatMoney, parseMoney } from '@runfleet/contracts';
import { approveDueCommissions } from '../../src/domain/approve-commissions';
import { commissionOn } from '../../src/domain/commission-rules';
import { verifyLedger } from '../../src/domain/verify-ledger';
import { startBroker, waitFor, type Broker } from '../support/broker';
import { chargeJob, jobCharged, resellerCreated, tierChanged } from '../support/earnings';
import { orderCreated } from '../support/events';
import { createWorld, outboxEvents, UNIT, type World } from '../support/world';

jest.setTimeout(180_000);

let world: World;
let broker: Broker;
const DAY_MS = 86_400_000;

beforeAll(async () => {
  world = await createWorld('billing_commissions', { poolMax: 8 });
  broker = await startBroker(world, 'billing_commissions');
  // reseller A: 12 % and gold (+2 %); reseller B: 10 %, bronze
  await broker.publish('reseller.created', resellerCreated(world.ids.resellerA, 1200, 'silver'));
  await broker.publish('reseller.tier_changed', tierChanged(world.ids.resellerA, 'gold', 200));
  await broker.publish('reseller.created', resellerCreated(world.ids.resellerB, 1000));
  await waitFor(async () => (await world.prisma.resellerTerms.findUnique({ where: { resellerId: world.ids.resellerA } }))?.tierBonusBps === 200 && (await world.count('reseller_terms')) === 2, 'the terms are known');
  await world.fund(world.wallets.customerA, 10_000n * UNIT);
  await world.fund(world.wallets.customerB, 10_000n * UNIT);
});

afterAll(async () => {
  await broker?.close();
  await world?.close();
});

const sumOf = async (where: object) => (await world.prisma.commission.aggregate({ where, _sum: { amount: true } }))._sum.amount ?? 0n;

describe('commissions on a reseller’s sales', () => {
  it('1,000 charges at 12 % + gold 2 %: Σ commissions is exact to the micro-unit (each rounded half down)', async () => {
    const customerId = randomUUID();
    // amounts that hit every rounding case: x.5 micro-units (down), above and below it
    const amounts = Array.from({ length: 1_000 }, (_, i) => 1_234_567n + BigInt(i) * 7_919n + BigInt(i % 4) * 25n);
    const expected = amounts.reduce((sum, a) => sum + (a * 1_400n) / 10_000n + ((a * 1_400n) % 10_000n > 5_000n ? 1n : 0n), 0n);
    const exactHalves = amounts.filter((a) => (a * 1_400n) % 10_000n === 5_000n).length;
    expect(exactHalves).toBeGreaterThan(0);
    await Promise.all(amounts.map((a) => broker.publish('wallet.charged', jobCharged(customerId, world.ids.resellerA, a))));
    await waitFor(async () => (await world.prisma.commission.count({ where: { customerId } })) === 1_000, '1,000 commissions are recorded', 150_000);

    expect(await sumOf({ customerId })).toBe(expected);
    const rows = await world.prisma.commission.findMany({ where: { customerId } });
    expect(rows.every((c) => c.rateBps === 1200 && c.tierBonusBps === 200 && c.tier === 'gold' && c.status === 'pending')).toBe(true);
    expect(rows.every((c) => c.amount === commissionOn(c.base, 1200, 200))).toBe(true);
    await waitFor(() => broker.observed('commission.earned').filter((e) => e.data.customerId === customerId).length === 1_000, 'commission.earned is published for each');
    const earned = broker.observed('commission.earned').filter((e) => e.data.customerId === customerId);
    expect(earned.reduce((sum, e) => sum + BigInt(e.data.amount.replace('.', '')), 0n)).toBe(expected);

    // the reseller pages through them with the cursor: every one once
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const query: string = `/v1/commissions?customerId=${customerId}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await world.as('resellerA').get(query);
      expect(page.status).toBe(200);
      for (const c of page.body.items as { id: string }[]) seen.add(c.id);
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(seen.size).toBe(1_000);
    expect((await world.as('resellerB').get(`/v1/commissions?customerId=${customerId}`)).body.items).toEqual([]);
  });

  it('a redelivered charge earns once; a direct customer’s charge and an order’s charge earn nothing', async () => {
    const customerId = randomUUID();
    const charged = jobCharged(customerId, world.ids.resellerB, 10n * UNIT);
    const envelope = await broker.publish('wallet.charged', charged);
    await broker.republish(envelope);
    await broker.publish('wallet.charged', { ...jobCharged(customerId, world.ids.resellerB, 10n * UNIT), reference: { kind: 'order', id: randomUUID() } });
    await broker.publish('wallet.charged', jobCharged(randomUUID(), null, 10n * UNIT));
    const marker = jobCharged(customerId, world.ids.resellerB, 1n * UNIT);
    await broker.publish('wallet.charged', marker);
    await waitFor(async () => (await world.prisma.commission.count({ where: { sourceId: marker.reference.id } })) === 1, 'the last charge is handled');
    const rows = await world.prisma.commission.findMany({ where: { customerId } });
    expect(rows.map((c) => formatMoney(c.amount)).sort()).toEqual(['0.100000', '1.000000']);
  });

  it('a fulfilled order earns on its total; a refund of half its charge claws back half its commission', async () => {
    const order = orderCreated(world.ids.customerB, '80', { resellerId: world.ids.resellerB, basePrice: '70', commission: '10' });
    await broker.publish('order.created', order);
    await waitFor(async () => (await world.prisma.orderPayment.findUnique({ where: { orderId: order.orderId } }))?.status === 'paid', 'the order is paid');
    await broker.publish('order.fulfilled', { ...order, externalOrderId: 'ext-1', details: {} });
    await waitFor(async () => (await world.prisma.commission.count({ where: { sourceId: order.orderId } })) === 1, 'the order earns');
    const earning = await world.prisma.commission.findFirstOrThrow({ where: { sourceId: order.orderId } });
    expect(earning).toMatchObject({ sourceKind: 'order', base: 80n * UNIT, amount: 8n * UNIT, status: 'pending' });

    const payment = await world.prisma.orderPayment.findUniqueOrThrow({ where: { orderId: order.orderId } });
    const refund = await world.as('admin').post(`/v1/wallets/${world.wallets.customerB}/refunds`, { transactionId: payment.chargeEntryId, amount: '40', reason: 'half' }, randomUUID());
    expect(refund.status).toBe(201);
    await waitFor(async () => (await world.prisma.commission.count({ where: { clawbackOf: earning.id } })) === 1, 'the clawback is recorded');
    const clawback = await world.prisma.commission.findFirstOrThrow({ where: { clawbackOf: earning.id } });
    expect(clawback).toMatchObject({ kind: 'clawback', amount: -4n * UNIT, status: 'pending', base: -40n * UNIT });
  });

  it('the approval job credits commissions after the holding period, once, with replicas racing', async () => {
    const before = await world.wallet(world.wallets.resellerB);
    const charged = await chargeJob(world, broker, 'customerB', 50n * UNIT);
    await waitFor(async () => (await world.prisma.commission.count({ where: { sourceId: charged.reference.id } })) === 1, 'the charge earns');
    const policy = { holdingDays: 14 };
    expect(await approveDueCommissions(world.deps, policy)).toBe(0);
    expect((await world.wallet(world.wallets.resellerB)).balance).toBe(before.balance);

    world.clock.advance(14 * DAY_MS + 1_000);
    const pendingB = await sumOf({ resellerId: world.ids.resellerB, status: 'pending' });
    const results = await Promise.all([approveDueCommissions(world.deps, policy), approveDueCommissions(world.deps, policy), approveDueCommissions(world.deps, policy)]);
    // a replica that found the wallet busy skips it; the next pass gets what is left
    await approveDueCommissions(world.deps, policy);
    expect(results.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(await world.prisma.commission.count({ where: { resellerId: world.ids.resellerB, status: 'pending' } })).toBe(0);
    const after = await world.wallet(world.wallets.resellerB);
    expect(after.balance - before.balance).toBe(pendingB);
    const entries = await world.prisma.ledgerEntry.aggregate({ where: { walletId: world.wallets.resellerB, type: 'commission' }, _sum: { amount: true } });
    expect(entries._sum.amount).toBe(after.balance);
    // each credit is announced: wallet.credited, source commission
    const credited = (await outboxEvents(world.prisma, 'wallet.credited')).filter((d) => d.walletId === world.wallets.resellerB && d.source === 'commission');
    expect(credited.reduce((sum, d) => sum + parseMoney(d.amount), 0n)).toBe(after.balance - before.balance + 4n * UNIT);
    expect((await verifyLedger(world.prisma)).violations).toEqual([]);
  });
});

describe('clawback after a payout reduces the next payout', () => {
  it('a refund of half of a paid-out charge is owed and taken from the next approval', async () => {
    // a fresh reseller-like setup on reseller A: approve everything pending, then pay it all out
    const charged = await chargeJob(world, broker, 'customerA', 100n * UNIT);
    await waitFor(async () => (await world.prisma.commission.count({ where: { sourceId: charged.reference.id } })) === 1, 'the charge earns');
    const earning = await world.prisma.commission.findFirstOrThrow({ where: { sourceId: charged.reference.id } });
    expect(earning.amount).toBe(14n * UNIT);
    const approved = await world.as('admin').post(`/v1/commissions/${earning.id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', credited: '14.000000' });

    const method = await world.as('resellerA').post('/v1/payout-methods', { kind: 'paypal', email: 'money@acme.example' });
    const available = (await world.wallet(world.wallets.resellerA)).balance;
    const payout = await world.as('resellerA').post('/v1/payouts', { amount: formatMoney(available), methodId: method.body.id }, randomUUID());
    expect(payout.status).toBe(201);
    const done = await world.as('admin').post(`/v1/payouts/${payout.body.id}/complete`, { reference: 'PP-1' });
    expect(done.status).toBe(200);
    expect((await world.wallet(world.wallets.resellerA)).balance).toBe(0n);
    expect((await world.prisma.commission.findUniqueOrThrow({ where: { id: earning.id } })).status).toBe('paid');

    // half the charge is refunded: 7 is clawed back, nothing is left on the wallet to take it from
    const refund = await world.as('admin').post(`/v1/wallets/${world.wallets.customerA}/refunds`, { transactionId: charged.transactionId, amount: '50', reason: 'half' }, randomUUID());
    expect(refund.status).toBe(201);
    await waitFor(async () => (await world.prisma.commission.count({ where: { clawbackOf: earning.id } })) === 1, 'the clawback is recorded');
    const clawback = await world.prisma.commission.findFirstOrThrow({ where: { clawbackOf: earning.id } });
    expect(clawback).toMatchObject({ amount: -7n * UNIT, status: 'approved', booked: 0n });
    const owed = await world.as('resellerA').get('/v1/resellers/me/earnings');
    expect(owed.body.wallet).toMatchObject({ balance: '0.000000', owed: '7.000000' });

    // the next commission (20 × 14 % = 2.8) is approved: the 7 owed is taken first → nothing to pay out
    const next = await chargeJob(world, broker, 'customerA', 20n * UNIT);
    await waitFor(async () => (await world.prisma.commission.count({ where: { sourceId: next.reference.id } })) === 1, 'the next charge earns');
    const nextEarning = await world.prisma.commission.findFirstOrThrow({ where: { sourceId: next.reference.id } });
    await world.as('admin').post(`/v1/commissions/${nextEarning.id}/approve`);
    expect((await world.wallet(world.wallets.resellerA)).balance).toBe(0n);
    const tooMuch = await world.as('resellerA').post('/v1/payouts', { amount: '50', methodId: method.body.id }, randomUUID());
    expect(tooMuch.status).toBe(409);

    // and a bigger one (100 × 14 % = 14): 14 − the 4.2 still owed = 9.8 available
    const big = await chargeJob(world, broker, 'customerA', 100n * UNIT);
    await waitFor(async () => (await world.prisma.commission.count({ where: { sourceId: big.reference.id } })) === 1, 'the big charge earns');
    const bigEarning = await world.prisma.commission.findFirstOrThrow({ where: { sourceId: big.reference.id } });
    await world.as('admin').post(`/v1/commissions/${bigEarning.id}/approve`);
    expect((await world.wallet(world.wallets.resellerA)).balance).toBe(9_800_000n);
    const summary = await world.as('resellerA').get('/v1/resellers/me/earnings');
    expect(summary.body.wallet).toMatchObject({ balance: '9.800000', owed: '0.000000' });
    expect((await verifyLedger(world.prisma)).violations).toEqual([]);
  });
});

describe('a commission paid out before it was invoiced', () => {
  it('is still invoiced, once, with the approved ones; pending ones wait', async () => {
    // the payout above made reseller A's earning paid before any invoice took it
    const paid = await world.prisma.commission.findMany({ where: { resellerId: world.ids.resellerA, status: 'paid', invoiceId: null } });
    expect(paid.length).toBeGreaterThan(0);
    const invoiceable = await world.prisma.commission.findMany({ where: { resellerId: world.ids.resellerA, status: { in: ['approved', 'paid'] }, invoiceId: null } });
    const invoice = await world.as('resellerA').post('/v1/invoices', { kind: 'commission' });
    expect(invoice.status).toBe(201);
    const onIt = (invoice.body.lines as { commissionId: string }[]).map((l) => l.commissionId).sort();
    expect(onIt).toEqual(invoiceable.map((c) => c.id).sort());
    expect(invoice.body.total).toBe(formatMoney(invoiceable.reduce((sum, c) => sum + c.amount, 0n)));
    expect(await world.prisma.commission.count({ where: { resellerId: world.ids.resellerA, status: 'pending', invoiceId: { not: null } } })).toBe(0);
    expect((await world.as('resellerA').post('/v1/invoices', { kind: 'commission' })).body.code).toBe('COMMISSIONS_NONE_TO_INVOICE');
  });
});
