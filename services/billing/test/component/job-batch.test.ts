// Set-based settlement of job holds (issue 15 "Speed", items 2–4): billing.jobs applies a batch of
// job.completed / job.failed / job.cancelled with one statement per table. A batch must book exactly
// what the same events booked one per transaction would — tiers across a boundary within the batch,
// the maximum cost, low balance once per crossing, balance_after exact — and, through the real
// consumer with two replicas on one queue, a job's job.submitted and job.completed in one batch are
// applied in order, every job is charged once and nothing deadlocks or is dead-lettered.
import { randomUUID } from 'node:crypto';
import type { EventData } from '@runfleet/contracts';
import { createMessaging, listDeadLetters, type Messaging } from '@runfleet/messaging';
import { createLogger, createMetrics } from '@runfleet/service-kit';
import { createTestVhost, type TestVhost } from '@runfleet/test-infra';
import { MONEY_TRANSACTION } from '../../src/db';
import type { WalletRecord } from '../../src/data/wallet.repository';
import { placeJobHold } from '../../src/domain/place-job-hold';
import { settleJobHolds, type JobSettlement, type SettleOutcome } from '../../src/domain/settle-job-hold';
import { verifyLedger } from '../../src/domain/verify-ledger';
import { consumeJobs } from '../../src/messaging/jobs.consumer';
import { waitFor } from '../support/broker';
import { jobCompleted, jobSubmitted } from '../support/events';
import { createWorld, outboxEvents, UNIT, type World } from '../support/world';

jest.setTimeout(120_000);

let world: World;
const silent = createLogger({ service: 'billing', level: 'silent' });
const HOLD_POLICY = { holdTtlMs: 3_600_000 };

beforeAll(async () => {
  world = await createWorld('billing_job_batch', { poolMax: 8 });
  const price = await world.as('admin').post('/v1/price-lists', {
    jobType: 'render',
    unit: 'second',
    unitPrice: '0.02',
    currency: 'EUR',
    tiers: [
      { fromUnits: '100', unitPrice: '0.01' },
      { fromUnits: '150', unitPrice: '0.005' },
    ],
  });
  expect(price.status).toBe(201);
});

afterAll(async () => {
  await world?.close();
});

/** Three wallets of 20 (the first with a low-balance threshold of 8) and holds for `script`'s jobs on them. */
async function setUp(script: readonly { wallet: number; maxCost: string }[]) {
  const wallets = [];
  for (let i = 0; i < 3; i += 1) {
    const wallet = await world.newCustomerWallet();
    await world.fund(wallet.id, 20n * UNIT);
    wallets.push(wallet);
  }
  await world.prisma.wallet.update({ where: { id: wallets[0]!.id }, data: { lowBalanceThreshold: 8n * UNIT } });
  const jobs: EventData<'job.submitted'>[] = [];
  for (const step of script) {
    const job = jobSubmitted(wallets[step.wallet]!.ownerId, { maxCost: step.maxCost });
    expect(await world.prisma.$transaction((tx) => placeJobHold(tx, job, world.clock.now(), HOLD_POLICY), MONEY_TRANSACTION)).toBe('placed');
    jobs.push(job);
  }
  return { wallets, jobs };
}

/** What a wallet's ledger and events show, without ids: comparable between twins. */
async function bookedOn(walletId: string) {
  const entries = await world.prisma.ledgerEntry.findMany({ where: { walletId }, orderBy: { seq: 'asc' } });
  const wallet = await world.wallet(walletId);
  const lowBalance = (await outboxEvents(world.prisma, 'wallet.low_balance')).filter((d) => d.walletId === walletId).map((d) => d.balance);
  const charged = (await outboxEvents(world.prisma, 'wallet.charged')).filter((d) => d.walletId === walletId).map((d) => [d.amount, d.balanceAfter, d.pricing]);
  return {
    entries: entries.map((e) => ({
      type: e.type,
      amount: e.amount,
      reservedDelta: e.reservedDelta,
      balanceAfter: e.balanceAfter,
      reservedAfter: e.reservedAfter,
      reason: e.reason,
      gross: (e.details as { gross?: string } | null)?.gross,
      monthUnitsBefore: (e.details as { monthUnitsBefore?: string } | null)?.monthUnitsBefore,
    })),
    state: { balance: wallet.balance, reserved: wallet.reserved, lowBalanceArmed: wallet.lowBalanceArmed },
    lowBalance,
    charged,
  };
}

describe('settling job holds set-based', () => {
  it('a batch books exactly what the same settlements booked one per transaction would', async () => {
    // 24 jobs on three wallets: tier boundaries crossed within the batch, capped jobs, releases
    const script = Array.from({ length: 24 }, (_, i) => ({ wallet: i % 3, maxCost: i % 5 === 4 ? '0.3' : '2' }));
    const units = (i: number) => ['40', '35.5', '70.25', '12', '0'][i % 5]!;
    const settlementsFor = (jobs: EventData<'job.submitted'>[]): JobSettlement[] => [
      ...jobs.map((job, i): JobSettlement =>
        i % 7 === 6 ? { jobId: job.jobId, release: 'voided', actor: { type: 'system', id: null } } : { jobId: job.jobId, charge: { units: units(i) } },
      ),
      // a second completion of a job settled earlier in the batch, and a job billing never held for
      { jobId: jobs[3]!.jobId, charge: { units: '99' } },
      { jobId: randomUUID(), charge: { units: '1' } },
    ];

    const batch = await setUp(script);
    const batchOutcomes = await world.prisma.$transaction((tx) => settleJobHolds(tx, settlementsFor(batch.jobs), world.clock.now(), silent), MONEY_TRANSACTION);

    const single = await setUp(script);
    const singleOutcomes: SettleOutcome[] = [];
    for (const settlement of settlementsFor(single.jobs)) {
      const [outcome] = await world.prisma.$transaction((tx) => settleJobHolds(tx, [settlement], world.clock.now(), silent), MONEY_TRANSACTION);
      singleOutcomes.push(outcome!);
    }

    expect(batchOutcomes).toEqual(singleOutcomes);
    expect(batchOutcomes.slice(-2)).toEqual(['already_settled', 'no_hold']);
    for (let w = 0; w < 3; w += 1) {
      expect(await bookedOn(batch.wallets[w]!.id)).toEqual(await bookedOn(single.wallets[w]!.id));
    }
    const first = await bookedOn(batch.wallets[0]!.id);
    // the first wallet fell below its threshold of 8 once, inside the batch, and was told once
    expect(first.lowBalance).toHaveLength(1);
    expect(first.state.reserved).toBe(0n);
    expect(first.entries.some((e) => e.gross !== undefined && e.monthUnitsBefore !== '0.000000')).toBe(true);
    expect((await verifyLedger(world.prisma)).violations).toEqual([]);
  });
});

describe('billing.jobs consumer, batched', () => {
  let vhost: TestVhost;
  const replicas: Messaging[] = [];

  beforeAll(async () => {
    vhost = await createTestVhost('billing_job_batch');
  });
  afterAll(async () => {
    await Promise.all(replicas.map((m) => m.close()));
    await vhost.drop();
  });

  function billing(): Messaging {
    const messaging = createMessaging({ service: 'billing', amqpUrl: vhost.url, databaseUrl: world.db.url, logger: silent, registry: createMetrics('billing').registry });
    replicas.push(messaging);
    return messaging;
  }

  it('job.submitted and job.completed queued back to back, taken by two replicas in batches: each job held, then charged once, nothing dead-lettered', async () => {
    const wallets: WalletRecord[] = [];
    for (let i = 0; i < 4; i += 1) {
      const wallet = await world.newCustomerWallet();
      await world.fund(wallet.id, 1_000n * UNIT);
      wallets.push(wallet);
    }
    const jobs = Array.from({ length: 150 }, (_, i) => jobSubmitted(wallets[i % 4]!.ownerId, { maxCost: '1' }));
    const deps = { now: world.clock.now, holdPolicy: HOLD_POLICY };

    // declare the queue, fill it while nobody consumes, then start two replicas at once
    const declaring = billing();
    await (await consumeJobs(declaring, deps)).close();
    const registry = createMessaging({ service: 'runner-registry', amqpUrl: vhost.url, logger: silent, registry: createMetrics('runner-registry').registry });
    try {
      await registry.publisher.waitForConnect();
      for (const job of jobs) {
        await registry.publisher.publish(registry.envelope('job.submitted', job));
        await registry.publisher.publish(registry.envelope('job.completed', jobCompleted(job, '10')));
      }
    } finally {
      await registry.close();
    }
    const [one, two] = [billing(), billing()];
    await Promise.all([consumeJobs(one, deps), consumeJobs(two, deps)]);

    const jobIds = jobs.map((j) => j.jobId);
    await waitFor(async () => (await world.prisma.hold.count({ where: { referenceId: { in: jobIds }, status: 'posted' } })) === jobs.length, 'every hold is posted', 60_000);
    const entries = await world.prisma.ledgerEntry.findMany({ where: { referenceId: { in: jobIds } }, orderBy: { seq: 'asc' } });
    for (const jobId of jobIds) {
      // held before charged: the job's entries in ledger order
      expect(entries.filter((e) => e.referenceId === jobId).map((e) => e.type)).toEqual(['hold', 'charge', 'hold_release']);
    }
    for (const wallet of wallets) expect((await world.wallet(wallet.id)).reserved).toBe(0n);
    expect((await verifyLedger(world.prisma)).violations).toEqual([]);
    expect(await listDeadLetters(vhost.url, 'billing.jobs')).toEqual([]);
  });
});
