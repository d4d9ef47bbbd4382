// Billing's side of the job saga on the real broker (issue 15 item 5; DESIGN.md §4 "Job"): the
// registry is simulated by publishing its job events; billing's consumers, inbox and relay run as
// main.ts wires them. A hold for the maximum cost; the usage priced with the price list in force at
// submit, capped at the maximum cost, charged once however often job.completed arrives; a
// cancelled or failed job releases everything.
import { createMessaging, type Messaging } from '@runfleet/messaging';
import { createLogger, createMetrics } from '@runfleet/service-kit';
import { verifyLedger } from '../../src/domain/verify-ledger';
import { consumeJobs } from '../../src/messaging/jobs.consumer';
import { settled, startBroker, waitFor, type Broker } from '../support/broker';
import { jobCancelled, jobCompleted, jobFailed, jobSubmitted } from '../support/events';
import { createWorld, type World } from '../support/world';
import { randomUUID } from 'node:crypto';

jest.setTimeout(120_000);

let world: World;
let broker: Broker;
let customerId: string;
let walletId: string;

const QUEUE = 'billing.jobs';

async function setPrice(unitPrice: string, jobType = 'render'): Promise<string> {
  const res = await world.as('admin').post('/v1/price-lists', { jobType, unit: 'second', unitPrice, currency: 'EUR' });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

function holdEvent<N extends 'wallet.hold_placed' | 'wallet.hold_rejected' | 'wallet.hold_released'>(type: N, jobId: string) {
  return broker.observed(type).filter((e) => e.data.reference.id === jobId);
}

beforeAll(async () => {
  world = await createWorld('billing_job_saga');
  broker = await startBroker(world, 'billing_job_saga');
  // a customer arrives from the reseller service: billing opens its wallet
  customerId = randomUUID();
  await broker.publish('customer.created', { customerId, resellerId: null, email: 'c@example.com', name: 'C', currency: 'EUR' });
  await waitFor(async () => (await world.prisma.wallet.count({ where: { ownerId: customerId } })) === 1, 'the customer’s wallet is opened');
  walletId = (await world.prisma.wallet.findFirstOrThrow({ where: { ownerId: customerId } })).id;
  const credit = await world.as('admin').post(`/v1/wallets/${walletId}/credits`, { amount: '100', currency: 'EUR', reason: 'welcome' }, randomUUID());
  expect(credit.status).toBe(201);
  await setPrice('0.02');
});

afterAll(async () => {
  await broker?.close();
  await world?.close();
});

describe('job saga, billing side', () => {
  it('customer.created and reseller.created open wallets in their currency, once', async () => {
    const resellerId = randomUUID();
    const created = await broker.publish('reseller.created', { resellerId, name: 'R', email: 'r@example.com', commissionRateBps: 1000, tier: 'bronze', currency: 'USD' });
    await broker.republish(created);
    await waitFor(async () => (await world.prisma.wallet.count({ where: { ownerId: resellerId } })) === 1, 'the reseller’s wallet is opened');
    await settled(() => world.prisma.wallet.count({ where: { ownerId: resellerId } }));
    expect(await world.prisma.wallet.findFirstOrThrow({ where: { ownerId: resellerId } })).toMatchObject({ ownerType: 'reseller', currency: 'USD', balance: 0n });
  });

  it('job.submitted holds the maximum cost; job.completed delivered 5 times to two competing consumers charges once, priced exactly, and releases the rest', async () => {
    // a second billing replica competing for the same queue
    const replica: Messaging = createMessaging({
      service: 'billing',
      amqpUrl: broker.vhost.url,
      databaseUrl: world.db.url,
      logger: createLogger({ service: 'billing', level: 'silent' }),
      registry: createMetrics('billing').registry,
    });
    try {
      await consumeJobs(replica, { now: world.clock.now, holdPolicy: { holdTtlMs: 3_600_000 } });
      const job = jobSubmitted(customerId, { maxCost: '5' });
      await broker.publish('job.submitted', job);
      await waitFor(() => holdEvent('wallet.hold_placed', job.jobId).length === 1, 'wallet.hold_placed is published');
      expect(holdEvent('wallet.hold_placed', job.jobId)[0]!.data).toMatchObject({ walletId, amount: '5.000000', availableAfter: '95.000000', currency: 'EUR' });

      const completed = await broker.publish('job.completed', jobCompleted(job, '93.5'));
      await Promise.all([1, 2, 3].map(() => broker.republish(completed)));
      // the same completion re-published under a new message id (a producer that re-sent it)
      await broker.publish('job.completed', jobCompleted(job, '93.5'));

      await waitFor(() => broker.observed('wallet.charged').some((e) => e.data.reference.id === job.jobId), 'wallet.charged is published');
      const charges = await settled(async () => world.prisma.ledgerEntry.count({ where: { referenceId: job.jobId, type: 'charge' } }));
      expect(charges).toBe(1);
      await settled(async () => broker.observed('wallet.charged').filter((e) => e.data.reference.id === job.jobId).length);
      const charged = broker.observed('wallet.charged').filter((e) => e.data.reference.id === job.jobId);
      expect(charged).toHaveLength(1);
      // 93.5 s × 0.02 = 1.87, exactly
      expect(charged[0]!.data).toMatchObject({ amount: '1.870000', balanceAfter: '98.130000', pricing: { units: '93.5', unitPrice: '0.020000', gross: '1.870000', capped: false } });
      expect(holdEvent('wallet.hold_released', job.jobId).map((e) => e.data)).toEqual([expect.objectContaining({ amount: '3.130000', reason: 'posted_remainder' })]);
      const wallet = await world.wallet(walletId);
      expect({ balance: wallet.balance, reserved: wallet.reserved }).toEqual({ balance: 98_130_000n, reserved: 0n });
    } finally {
      await replica.close();
    }
  });

  it('the maximum cost caps the charge', async () => {
    const job = jobSubmitted(customerId, { maxCost: '2' });
    await broker.publish('job.submitted', job);
    await waitFor(() => holdEvent('wallet.hold_placed', job.jobId).length === 1, 'the hold is placed');
    await broker.publish('job.completed', jobCompleted(job, '1000'));
    await waitFor(() => broker.observed('wallet.charged').some((e) => e.data.reference.id === job.jobId), 'wallet.charged is published');
    const charged = broker.observed('wallet.charged').find((e) => e.data.reference.id === job.jobId)!;
    expect(charged.data).toMatchObject({ amount: '2.000000', pricing: { gross: '20.000000', maxCost: '2.000000', capped: true } });
    expect(holdEvent('wallet.hold_released', job.jobId)).toHaveLength(0);
  });

  it('a job is priced with the price list in force when it was submitted, not a later one', async () => {
    const job = jobSubmitted(customerId, { maxCost: '5' });
    await broker.publish('job.submitted', job);
    await waitFor(() => holdEvent('wallet.hold_placed', job.jobId).length === 1, 'the hold is placed');
    await setPrice('0.04');
    try {
      await broker.publish('job.completed', jobCompleted(job, '10'));
      await waitFor(() => broker.observed('wallet.charged').some((e) => e.data.reference.id === job.jobId), 'wallet.charged is published');
      expect(broker.observed('wallet.charged').find((e) => e.data.reference.id === job.jobId)!.data.amount).toBe('0.200000');
    } finally {
      await setPrice('0.02');
    }
  });

  it('a cancelled job and a job failed by the platform release the whole hold and cost nothing', async () => {
    const before = (await world.wallet(walletId)).balance;
    const cancelled = jobSubmitted(customerId, { maxCost: '3' });
    const failed = jobSubmitted(customerId, { maxCost: '4' });
    await broker.publish('job.submitted', cancelled);
    await broker.publish('job.submitted', failed);
    await waitFor(() => holdEvent('wallet.hold_placed', cancelled.jobId).length === 1 && holdEvent('wallet.hold_placed', failed.jobId).length === 1, 'both holds are placed');
    const cancel = await broker.publish('job.cancelled', jobCancelled(cancelled));
    await broker.republish(cancel);
    await broker.publish('job.failed', jobFailed(failed, 'runner_lost'));
    await waitFor(() => holdEvent('wallet.hold_released', cancelled.jobId).length === 1 && holdEvent('wallet.hold_released', failed.jobId).length === 1, 'both holds are released');
    await settled(async () => holdEvent('wallet.hold_released', cancelled.jobId).length);
    expect(holdEvent('wallet.hold_released', cancelled.jobId).map((e) => e.data)).toEqual([expect.objectContaining({ amount: '3.000000', reason: 'voided' })]);
    const wallet = await world.wallet(walletId);
    expect({ balance: wallet.balance, reserved: wallet.reserved }).toEqual({ balance: before, reserved: 0n });
  });

  it('a job that failed on its own pays for the usage it reported, capped at its maximum cost; a platform failure with usage costs nothing', async () => {
    const own = jobSubmitted(customerId, { maxCost: '5' });
    const ownCapped = jobSubmitted(customerId, { maxCost: '1' });
    const platform = jobSubmitted(customerId, { maxCost: '4' });
    const ownWithoutUsage = jobSubmitted(customerId, { maxCost: '2' });
    const jobs = [own, ownCapped, platform, ownWithoutUsage];
    for (const job of jobs) await broker.publish('job.submitted', job);
    await waitFor(() => jobs.every((j) => holdEvent('wallet.hold_placed', j.jobId).length === 1), 'the holds are placed');
    const before = (await world.wallet(walletId)).balance;

    await broker.publish('job.failed', jobFailed(own, 'job_error', '50'));
    await broker.publish('job.failed', jobFailed(ownCapped, 'job_error', '500'));
    await broker.publish('job.failed', jobFailed(platform, 'runner_error', '50'));
    await broker.publish('job.failed', jobFailed(ownWithoutUsage, 'job_error'));
    await waitFor(() => [platform, ownWithoutUsage].every((j) => holdEvent('wallet.hold_released', j.jobId).length === 1), 'the unbilled holds are released');
    await waitFor(() => [own, ownCapped].every((j) => broker.observed('wallet.charged').some((e) => e.data.reference.id === j.jobId)), 'the own failures are charged');

    const chargeOf = (jobId: string) => broker.observed('wallet.charged').find((e) => e.data.reference.id === jobId)!.data;
    // 50 s × 0.02 = 1; 500 s × 0.02 = 10, capped at 1
    expect(chargeOf(own.jobId)).toMatchObject({ amount: '1.000000', pricing: { units: '50', capped: false } });
    expect(chargeOf(ownCapped.jobId)).toMatchObject({ amount: '1.000000', pricing: { gross: '10.000000', capped: true } });
    expect(holdEvent('wallet.hold_released', own.jobId).map((e) => e.data)).toEqual([expect.objectContaining({ amount: '4.000000', reason: 'posted_remainder' })]);
    expect(holdEvent('wallet.hold_released', platform.jobId).map((e) => e.data)).toEqual([expect.objectContaining({ amount: '4.000000', reason: 'voided' })]);
    expect(holdEvent('wallet.hold_released', ownWithoutUsage.jobId).map((e) => e.data)).toEqual([expect.objectContaining({ amount: '2.000000', reason: 'voided' })]);
    expect(await world.prisma.ledgerEntry.count({ where: { referenceId: { in: [platform.jobId, ownWithoutUsage.jobId] }, type: 'charge' } })).toBe(0);
    const wallet = await world.wallet(walletId);
    expect({ balance: wallet.balance, reserved: wallet.reserved }).toEqual({ balance: before - 2_000_000n, reserved: 0n });
  });

  it('holds are refused with the reason: insufficient funds, suspended wallet, other currency, no price, no wallet', async () => {
    const poor = jobSubmitted(customerId, { maxCost: '1000' });
    const usd = jobSubmitted(customerId, { currency: 'USD' });
    const unpriced = jobSubmitted(customerId, { type: 'unpriced-type' });
    const stranger = jobSubmitted(randomUUID());
    for (const job of [poor, usd, unpriced, stranger]) await broker.publish('job.submitted', job);
    await waitFor(() => [poor, usd, unpriced, stranger].every((j) => holdEvent('wallet.hold_rejected', j.jobId).length === 1), 'all four are rejected');
    expect([poor, usd, unpriced, stranger].map((j) => holdEvent('wallet.hold_rejected', j.jobId)[0]!.data.reason)).toEqual([
      'insufficient_funds',
      'currency_mismatch',
      'no_price',
      'wallet_not_found',
    ]);

    await world.prisma.wallet.update({ where: { id: walletId }, data: { creditStatus: 'suspended' } });
    try {
      const suspended = jobSubmitted(customerId);
      await broker.publish('job.submitted', suspended);
      await waitFor(() => holdEvent('wallet.hold_rejected', suspended.jobId).length === 1, 'the hold is rejected');
      expect(holdEvent('wallet.hold_rejected', suspended.jobId)[0]!.data.reason).toBe('wallet_suspended');
    } finally {
      await world.prisma.wallet.update({ where: { id: walletId }, data: { creditStatus: 'active' } });
    }
    expect(await world.prisma.hold.count({ where: { referenceId: { in: [poor.jobId, usd.jobId, unpriced.jobId, stranger.jobId] } } })).toBe(0);
  });

  it('afterwards every wallet passes verify, and no message was dead-lettered', async () => {
    expect((await verifyLedger(world.prisma)).violations).toEqual([]);
    expect(await broker.consumed(QUEUE, 'dead_lettered')).toBe(0);
  });
});
