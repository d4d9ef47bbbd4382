// The earnings summary (issue 16 item 4): pending, approved, paid and clawed back, by month and by
// customer, tier progress — and the wallet figures agree with the ledger to the micro-unit.
import { randomUUID } from 'node:crypto';
import { createLogger } from '@runfleet/service-kit';
import { lockWallet } from '../../src/data/wallet.repository';
import { MONEY_TRANSACTION } from '../../src/db';
import { approveCommission } from '../../src/domain/approve-commissions';
import { bookMovement } from '../../src/domain/book-movement';
import { clawBackOnRefund } from '../../src/domain/claw-back-commission';
import { earnOnCharge } from '../../src/domain/earn-commission';
import { termsOnCreated, termsOnTierChanged } from '../../src/domain/keep-reseller-terms';
import { refundCharge } from '../../src/domain/refund-charge';
import { DEFAULT_EARNINGS_POLICY } from '../../src/domain/use-case-deps';
import { jobCharged, resellerCreated, tierChanged } from '../support/earnings';
import { createWorld, outboxEvents, UNIT, type World } from '../support/world';

jest.setTimeout(60_000);

let world: World;
const log = createLogger({ service: 'billing', level: 'silent' });
const admin = () => ({ type: 'admin' as const, id: world.ids.admin });

beforeAll(async () => {
  world = await createWorld('billing_earnings');
  await world.prisma.$transaction(async (tx) => {
    await termsOnCreated(tx, resellerCreated(world.ids.resellerA, 1200, 'silver'), DEFAULT_EARNINGS_POLICY.tierBonusBps);
    await termsOnTierChanged(tx, tierChanged(world.ids.resellerA, 'gold', 200));
  });
});

afterAll(async () => {
  await world?.close();
});

/** A real job charge on customer A's wallet and the commission billing earns on it. */
async function sale(amount: bigint, customer: 'customerA' | 'other' = 'customerA'): Promise<{ commissionId: string; chargeId: string }> {
  const customerId = customer === 'customerA' ? world.ids.customerA : randomUUID();
  let chargeId: string = randomUUID();
  if (customer === 'customerA') {
    await world.fund(world.wallets.customerA, amount);
    const jobId = randomUUID();
    chargeId = await world.prisma.$transaction(async (tx) => {
      const wallet = (await lockWallet(tx, world.wallets.customerA))!;
      return (await bookMovement(tx, wallet, { type: 'charge', balanceDelta: -amount, reservedDelta: 0n, referenceKind: 'job', referenceId: jobId, idempotencyKey: `job:${jobId}:charge`, actorType: 'system', actorId: null })).entryId;
    }, MONEY_TRANSACTION);
  }
  const charged = { ...jobCharged(customerId, world.ids.resellerA, amount, world.wallets.customerA), transactionId: chargeId };
  await world.prisma.$transaction((tx) => earnOnCharge(tx, charged, world.clock.now(), log), MONEY_TRANSACTION);
  const commission = await world.prisma.commission.findFirstOrThrow({ where: { chargeEntryId: chargeId } });
  return { commissionId: commission.id, chargeId };
}

describe('GET /v1/resellers/me/earnings', () => {
  it('splits commissions by status, month and customer, and agrees with the ledger to the micro-unit', async () => {
    const a = await sale(100n * UNIT); // 14
    const b = await sale(33_333_333n); // 4.666666662 → 4.666667
    await sale(10n * UNIT, 'other'); // 1.4, stays pending
    await approveCommission(world.deps, admin(), a.commissionId);
    await approveCommission(world.deps, admin(), b.commissionId);
    // pay out 10 of the 18.666667 credited
    const method = await world.as('resellerA').post('/v1/payout-methods', { kind: 'paypal', email: 'money@acme.example' });
    const payout = await world.as('resellerA').post('/v1/payouts', { amount: '50', methodId: method.body.id }, randomUUID());
    expect(payout.status).toBe(409);
    await world.fund(world.wallets.resellerA, 40n * UNIT); // a top-up on the earnings wallet is not a commission
    const paid = await world.as('resellerA').post('/v1/payouts', { amount: '50', methodId: method.body.id }, randomUUID());
    await world.as('admin').post(`/v1/payouts/${paid.body.id}/complete`, { reference: 'PP-9' });
    // a quarter of charge a is refunded: 3.5 clawed back
    const refund = await refundCharge(world.deps, admin(), world.wallets.customerA, { transactionId: a.chargeId, amount: 25n * UNIT, reason: 'quarter' }, { key: randomUUID(), fingerprint: 'f' });
    const refunded = (await outboxEvents(world.prisma, 'wallet.refunded')).find((d) => d.transactionId === refund.value.id)!;
    await world.prisma.$transaction((tx) => clawBackOnRefund(tx, refunded as never, world.clock.now()), MONEY_TRANSACTION);

    const res = await world.as('resellerA').get('/v1/resellers/me/earnings');
    expect(res.status).toBe(200);
    const s = res.body;
    // the 50 paid out covered both approved commissions (paid); the clawback that came after is
    // approved and negative: it reduces what the next payout pays
    expect(s.totals).toEqual({ pending: '1.400000', approved: '-3.500000', paid: '18.666667', clawedBack: '3.500000' });
    const ledger = await world.prisma.ledgerEntry.groupBy({ by: ['type'], where: { walletId: world.wallets.resellerA }, _sum: { amount: true } });
    const sumOf = (type: string) => ledger.find((l) => l.type === type)?._sum.amount ?? 0n;
    const wallet = await world.wallet(world.wallets.resellerA);
    expect(s.wallet).toEqual({
      balance: formatted(wallet.balance),
      reserved: '0.000000',
      available: formatted(wallet.balance),
      commissionsCredited: formatted(sumOf('commission')),
      payoutsPaid: formatted(sumOf('payout')),
      owed: '0.000000',
    });
    // Σ commission entries = approved + paid − owed
    expect(sumOf('commission')).toBe(15_166_667n);
    expect(wallet.balance).toBe(sumOf('commission') + sumOf('payout') + sumOf('credit'));
    const month = world.clock.now().toISOString().slice(0, 7);
    expect(s.byMonth).toEqual([{ month, ...s.totals }]);
    // every sale of this test is this month's: the month's sales are the trailing window's
    expect(s.thisMonth).toEqual({ month, sales: '118.333333' });
    expect(s.byCustomer).toHaveLength(2);
    expect(s.byCustomer.find((c: { customerId: string }) => c.customerId === world.ids.customerA)).toMatchObject({ approved: '-3.500000', paid: '18.666667', clawedBack: '3.500000', pending: '0.000000' });
    // tier: gold by the reseller service's word; sales earned on 100 + 33.333333 + 10 − 25
    expect(s.tier).toEqual({
      tier: 'gold',
      rateBps: 1200,
      tierBonusBps: 200,
      windowDays: 90,
      trailingSales: '118.333333',
      next: { tier: 'platinum', threshold: '50000.000000', remaining: '49881.666667', tierBonusBps: 500 },
    });
  });

  it('is for resellers: an admin names the reseller; a customer is refused', async () => {
    expect((await world.as('admin').get('/v1/resellers/me/earnings')).status).toBe(403);
    expect((await world.as('customerA').get(`/v1/resellers/${world.ids.resellerA}/earnings`)).status).toBe(403);
    expect((await world.as('admin').get(`/v1/resellers/${randomUUID()}/earnings`)).status).toBe(404);
    expect((await world.as('admin').get('/v1/resellers/not-a-uuid/earnings')).status).toBe(400);
  });
});

function formatted(micros: bigint): string {
  const sign = micros < 0n ? '-' : '';
  const abs = micros < 0n ? -micros : micros;
  return `${sign}${abs / UNIT}.${(abs % UNIT).toString().padStart(6, '0')}`;
}
