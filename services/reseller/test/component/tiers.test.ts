// Reseller tiers (issue 4 "Tiers"; DESIGN.md §2, §10): driven by billing's sales events published on
// the real broker (wallet.charged for customers' job charges, order.paid), recomputed on each sale
// and by the periodic sweep as sales age out of the trailing window (a test clock moves time).
import { randomUUID } from 'node:crypto';
import type { EventData } from '@runfleet/contracts';
import { createCustomer } from '../../src/domain/create-customer';
import { createReseller } from '../../src/domain/create-reseller';
import { insertSale, sumSales } from '../../src/data/sale.repository';
import { recomputeAllTiers } from '../../src/domain/recompute-tier';
import { tierPolicy } from '../../src/domain/tier-rules';
import { createWorld, outboxEvents, type World } from '../support/world';
import { startBroker, waitFor, type Broker } from '../support/broker';

jest.setTimeout(60_000);

let world: World;
let broker: Broker;
const DAY_MS = 24 * 3_600_000;

beforeAll(async () => {
  world = await createWorld('reseller_tiers', {
    tierPolicy: tierPolicy('silver:100,gold:1000,platinum:5000', 'silver:100,gold:250,platinum:500', 90),
  });
  broker = await startBroker(world, 'reseller_tiers');
});

afterAll(async () => {
  await broker?.close();
  await world?.close();
});

const admin = () => ({ type: 'admin' as const, id: world.ids.admin });

/** A reseller of its own (so tests do not share sales) with one customer. */
async function freshReseller(): Promise<{ resellerId: string; customerId: string }> {
  const reseller = await createReseller(world.deps, admin(), { name: 'Tiered', email: 't@example.com', commissionRateBps: 1000, currency: 'EUR' });
  const customer = await createCustomer(world.deps, { type: 'reseller', id: reseller.id }, { name: 'Buyer', email: 'b@example.com' });
  return { resellerId: reseller.id, customerId: customer.id };
}

function charge(resellerId: string | null, customerId: string, amount: string, kind: 'job' | 'order' = 'job', currency = 'EUR'): EventData<'wallet.charged'> {
  return {
    walletId: randomUUID(),
    customerId,
    resellerId,
    transactionId: randomUUID(),
    amount,
    currency,
    balanceAfter: '0',
    holdId: null,
    reference: { kind, id: randomUUID() },
  };
}

function paidOrder(resellerId: string, customerId: string, total: string): EventData<'order.paid'> {
  return {
    orderId: randomUUID(),
    customerId,
    resellerId,
    offeringId: randomUUID(),
    offeringName: 'Postgres S',
    providerId: randomUUID(),
    basePrice: total,
    commission: '0',
    total,
    currency: 'EUR',
    transactionId: randomUUID(),
  };
}

async function tierOf(resellerId: string): Promise<string> {
  return (await world.prisma.reseller.findUniqueOrThrow({ where: { id: resellerId } })).tier;
}

async function salesOf(resellerId: string): Promise<number> {
  return world.prisma.resellerSale.count({ where: { resellerId } });
}

/** Publishes a billing event stamped with the test clock's time (billing's clock in this world). */
function sell<N extends 'wallet.charged' | 'order.paid'>(type: N, data: EventData<N>, occurredAt = world.clock.now()) {
  return broker.publishAsBilling(type, data, { occurredAt });
}

const tierChanges = (resellerId: string) => broker.observed('reseller.tier_changed').filter((e) => (e.data as { resellerId: string }).resellerId === resellerId);

describe('tiers from published sales', () => {
  it('job charges and paid orders add up to a promotion, announced once as reseller.tier_changed with the new bonus', async () => {
    const { resellerId, customerId } = await freshReseller();

    await sell('wallet.charged', charge(resellerId, customerId, '60.00'));
    await waitFor(async () => (await salesOf(resellerId)) === 1, 'the first sale is recorded');
    expect(await tierOf(resellerId)).toBe('bronze');

    await sell('order.paid', paidOrder(resellerId, customerId, '40.00'));
    await waitFor(async () => (await tierOf(resellerId)) === 'silver', 'the reseller is silver');
    await waitFor(() => tierChanges(resellerId).length === 1, 'reseller.tier_changed is published');

    expect(tierChanges(resellerId)[0]?.data).toEqual({
      resellerId,
      previousTier: 'bronze',
      tier: 'silver',
      direction: 'promoted',
      tierBonusBps: 100,
      trailingSales: '100.000000',
      currency: 'EUR',
    });
  });

  it('a sale published twice counts once', async () => {
    const { resellerId, customerId } = await freshReseller();
    const duplicatesBefore = await broker.consumed('reseller.tier-sales', 'duplicate');

    const sale = await sell('wallet.charged', charge(resellerId, customerId, '99.00'));
    await waitFor(async () => (await salesOf(resellerId)) === 1, 'the sale is recorded');
    await broker.republish(sale);
    await waitFor(async () => (await broker.consumed('reseller.tier-sales', 'duplicate')) > duplicatesBefore, 'the duplicate was seen');

    expect(await salesOf(resellerId)).toBe(1);
    expect(await tierOf(resellerId)).toBe('bronze');
  });

  it('a charge for an order is not counted again (the order counts from order.paid); nor are direct customers’ charges or other currencies', async () => {
    const { resellerId, customerId } = await freshReseller();
    const processedBefore = await broker.consumed('reseller.tier-sales', 'processed');

    await sell('wallet.charged', charge(resellerId, customerId, '500.00', 'order'));
    await sell('wallet.charged', charge(null, customerId, '500.00'));
    await sell('wallet.charged', charge(resellerId, customerId, '500.00', 'job', 'USD'));
    await waitFor(async () => (await broker.consumed('reseller.tier-sales', 'processed')) >= processedBefore + 3, 'the three events are handled');

    // the USD sale is recorded, but the tier reads sales in the reseller's own currency (EUR)
    expect(await world.prisma.resellerSale.findMany({ where: { resellerId }, select: { currency: true } })).toEqual([{ currency: 'USD' }]);
    expect(await tierOf(resellerId)).toBe('bronze');
  });

  it('a big enough sale skips tiers: bronze straight to gold', async () => {
    const { resellerId, customerId } = await freshReseller();

    await sell('wallet.charged', charge(resellerId, customerId, '1500.00'));

    await waitFor(() => tierChanges(resellerId).length === 1, 'reseller.tier_changed is published');
    expect(tierChanges(resellerId)[0]?.data).toMatchObject({ previousTier: 'bronze', tier: 'gold', tierBonusBps: 250 });
  });
});

describe('tiers over time', () => {
  it('sales older than the window do not count: an old sale arriving late promotes nobody', async () => {
    const { resellerId, customerId } = await freshReseller();

    await sell('wallet.charged', charge(resellerId, customerId, '2000.00'), new Date(world.clock.now().getTime() - 91 * DAY_MS));
    await waitFor(async () => (await salesOf(resellerId)) === 1, 'the sale is recorded');

    expect(await tierOf(resellerId)).toBe('bronze');
  });

  it('the periodic sweep demotes a reseller whose sales aged out of the window, and leaves current tiers alone', async () => {
    const aging = await freshReseller();
    const steady = await freshReseller();
    await sell('wallet.charged', charge(aging.resellerId, aging.customerId, '1000.00'));
    await waitFor(async () => (await tierOf(aging.resellerId)) === 'gold', 'the reseller is gold');

    world.clock.advance(60 * DAY_MS);
    await sell('wallet.charged', charge(steady.resellerId, steady.customerId, '150.00'));
    await waitFor(async () => (await tierOf(steady.resellerId)) === 'silver', 'the other reseller is silver');

    const early = await recomputeAllTiers({ prisma: world.prisma, now: world.clock.now, tierPolicy: world.tierPolicy });
    expect(early.changed).toBe(0);

    world.clock.advance(31 * DAY_MS);
    const late = await recomputeAllTiers({ prisma: world.prisma, now: world.clock.now, tierPolicy: world.tierPolicy });

    expect(await tierOf(aging.resellerId)).toBe('bronze');
    expect(await tierOf(steady.resellerId)).toBe('silver');
    expect(late.changed).toBeGreaterThanOrEqual(1);
    const demotions = (await outboxEvents(world.prisma, 'reseller.tier_changed')).filter((e) => e.resellerId === aging.resellerId && e.direction === 'demoted');
    expect(demotions).toEqual([expect.objectContaining({ previousTier: 'gold', tier: 'bronze', tierBonusBps: 0, trailingSales: '0.000000' })]);
    // a second sweep finds nothing more to change for it
    await recomputeAllTiers({ prisma: world.prisma, now: world.clock.now, tierPolicy: world.tierPolicy });
    expect((await outboxEvents(world.prisma, 'reseller.tier_changed')).filter((e) => e.resellerId === aging.resellerId && e.direction === 'demoted')).toHaveLength(1);
  });
});

describe('GET /v1/resellers/:resellerId/tier', () => {
  it('shows the tier, the trailing sales that put it there and the distance to the next tier', async () => {
    const { resellerId, customerId } = await freshReseller();
    await sell('wallet.charged', charge(resellerId, customerId, '120.50'));
    await sell('order.paid', paidOrder(resellerId, customerId, '30.00'));
    await waitFor(async () => (await salesOf(resellerId)) === 2, 'both sales are recorded');

    const res = await world.as('admin').get(`/v1/resellers/${resellerId}/tier`);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      resellerId,
      tier: 'silver',
      tierBonusBps: 100,
      windowDays: 90,
      trailingSales: { currency: 'EUR', amount: '150.500000', count: 2, jobCharges: '120.500000', orders: '30.000000' },
      nextTier: { tier: 'gold', threshold: '1000.000000', remaining: '849.500000', tierBonusBps: 250 },
      thresholds: { silver: '100.000000', gold: '1000.000000', platinum: '5000.000000' },
    });
  });

  it('a reseller reads its own tier; another reseller gets 404 like a missing one; a customer 403', async () => {
    const { resellerId } = await freshReseller();
    const own = { type: 'reseller' as const, id: resellerId, resellerId, scopes: [] };

    const mine = await world.as(own).get(`/v1/resellers/${resellerId}/tier`);
    const foreign = await world.as('resellerA').get(`/v1/resellers/${resellerId}/tier`);
    const missing = await world.as('resellerA').get(`/v1/resellers/${randomUUID()}/tier`);
    const customer = await world.as('customerA').get(`/v1/resellers/${world.ids.resellerA}/tier`);

    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ tier: 'bronze', nextTier: { tier: 'silver', remaining: '100.000000' } });
    expect(foreign.status).toBe(404);
    expect({ code: foreign.body.code, detail: foreign.body.detail }).toEqual({ code: missing.body.code, detail: missing.body.detail });
    expect(customer.status).toBe(403);
  });
});

describe('the trailing window’s sum', () => {
  it('reads daily totals plus the first day’s own sales, and agrees to the micro-unit with a sum of every sale', async () => {
    const { resellerId, customerId } = await freshReseller();
    const at = (iso: string) => new Date(iso);
    const sales: [string, bigint, 'job_charge' | 'order', string][] = [
      ['2026-11-01T23:59:59.999Z', 1_000_001n, 'job_charge', 'EUR'],
      ['2026-11-02T00:00:00.000Z', 2_000_003n, 'order', 'EUR'],
      ['2026-11-02T11:59:59.999Z', 3_000_005n, 'job_charge', 'EUR'],
      ['2026-11-02T12:00:00.000Z', 4_000_007n, 'job_charge', 'EUR'],
      ['2026-11-02T23:59:59.999Z', 5_000_011n, 'order', 'EUR'],
      ['2026-11-03T00:00:00.000Z', 6_000_013n, 'job_charge', 'EUR'],
      ['2026-11-20T08:00:00.000Z', 7_000_017n, 'job_charge', 'EUR'],
      ['2026-11-20T09:00:00.000Z', 8_000_019n, 'order', 'EUR'],
      ['2026-11-20T09:30:00.000Z', 9_000_023n, 'job_charge', 'USD'],
      // stamped ahead by a producer's clock: counts at once
      ['2027-01-01T00:00:00.000Z', 10_000_029n, 'job_charge', 'EUR'],
    ];
    for (const [occurredAt, amountMicros, sourceKind, currency] of sales) {
      const sale = { eventId: randomUUID(), resellerId, customerId, sourceKind, sourceId: randomUUID(), amountMicros, currency, occurredAt: at(occurredAt) };
      expect(await insertSale(world.prisma, sale)).toBe(true);
      // the same event again (a redelivery) changes neither the sales nor the day's total
      expect(await insertSale(world.prisma, sale)).toBe(false);
    }
    const naive = (since: Date, currency: string) => {
      const counted = sales.filter(([occurredAt, , , c]) => c === currency && at(occurredAt) >= since);
      const add = (kind?: string) => counted.filter(([, , k]) => kind === undefined || k === kind).reduce((t, [, micros]) => t + micros, 0n);
      return { totalMicros: add(), count: counted.length, jobChargesMicros: add('job_charge'), ordersMicros: add('order') };
    };
    for (const since of ['2026-10-01T00:00:00.000Z', '2026-11-01T23:59:59.999Z', '2026-11-02T00:00:00.000Z', '2026-11-02T12:00:00.000Z', '2026-11-02T23:59:59.999Z', '2026-11-03T00:00:00.001Z', '2026-12-31T23:59:59.999Z']) {
      for (const currency of ['EUR', 'USD']) {
        expect({ since, currency, ...(await sumSales(world.prisma, resellerId, currency, at(since))) }).toEqual({ since, currency, ...naive(at(since), currency) });
      }
    }
    expect(await world.prisma.resellerSaleDay.count({ where: { resellerId } })).toBe(6);
  });
});
