// M1 bank test (issue 15 acceptance): 50 wallets, 20 concurrent workers doing holds, posts, voids,
// charges, credits and refunds through the use cases for BANK_TEST_SECONDS (default 20) while
// PostgreSQL is restarted once mid-run — this suite's own server (test-infra startOwnPostgres), so
// the machine's shared one is never touched. Afterwards verify passes and
// Σ balances = Σ credits − Σ charges + Σ refunds to the micro-unit.
import { randomUUID } from 'node:crypto';
import type { EventData } from '@runfleet/contracts';
import { createLogger } from '@runfleet/service-kit';
import { startOwnPostgres, type OwnPostgres } from '@runfleet/test-infra';
import { isDatabaseUnavailable } from '@runfleet/messaging';
import { MONEY_TRANSACTION, type Prisma } from '../../src/db';
import { insertPriceVersion } from '../../src/data/price-list.repository';
import type { WalletRecord } from '../../src/data/wallet.repository';
import { creditWallet } from '../../src/domain/credit-wallet';
import { payOrder, refundOrder } from '../../src/domain/order-payments';
import { placeJobHold } from '../../src/domain/place-job-hold';
import { postJobHold, releaseJobHold } from '../../src/domain/settle-job-hold';
import { verifyLedger } from '../../src/domain/verify-ledger';
import { jobCompleted, jobSubmitted, orderCreated } from '../support/events';
import { createWorld, UNIT, type World } from '../support/world';

const SECONDS = Number(process.env.BANK_TEST_SECONDS ?? 20);
const WALLETS = 50;
const WORKERS = 20;
jest.setTimeout((SECONDS + 90) * 1000);

let world: World;
let pg: OwnPostgres | undefined;
const silent = createLogger({ service: 'billing', level: 'silent' });

beforeAll(async () => {
  pg = await startOwnPostgres();
  // The server is the suite's: the world's database is its default one, dropped with the server.
  world = await createWorld('billing_bank', { poolMax: 10, database: { name: 'postgres', url: pg.url, drop: async () => undefined } });
  await insertPriceVersion(world.prisma, { jobType: 'render', unit: 'second', unitPrice: 10_000n, currency: 'EUR', retired: false, effectiveFrom: new Date(0), createdBy: 'test' });
});

afterAll(async () => {
  try {
    await world?.close();
  } finally {
    await pg?.destroy();
  }
});

function isConnectionLoss(err: unknown): boolean {
  const text = String((err as Error)?.message ?? err);
  return isDatabaseUnavailable(err) || /terminat|connection|ECONNRESET|ECONNREFUSED|Closed|closed|not queryable|server closed|starting up|shutting down|reach database/i.test(text);
}

/** Operations the restart interrupted (each then retried): proof that it hit work in flight. */
let interrupted = 0;

/** Runs an idempotent operation until it gets through the restart (the server is down a few seconds). */
async function retried<T>(op: () => Promise<T>): Promise<T> {
  const giveUpAt = Date.now() + 60_000;
  for (;;) {
    try {
      return await op();
    } catch (err) {
      if (!isConnectionLoss(err) || Date.now() > giveUpAt) throw err;
      interrupted += 1;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const rnd = (n: number) => Math.floor(Math.random() * n);
const pick = <T>(list: T[]): T | undefined => list[rnd(list.length)];

describe('bank test', () => {
  it(`${WORKERS} workers for ${SECONDS} s across ${WALLETS} wallets with PostgreSQL restarted: verify passes and the books balance`, async () => {
    const wallets: WalletRecord[] = [];
    for (let i = 0; i < WALLETS; i += 1) {
      const wallet = await world.newCustomerWallet();
      await world.fund(wallet.id, BigInt(20 + rnd(30)) * UNIT);
      wallets.push(wallet);
    }
    const admin = { type: 'admin' as const, id: world.ids.admin };
    const pendingJobs: EventData<'job.submitted'>[] = [];
    const paidOrders: EventData<'order.created'>[] = [];
    const counts: Record<string, number> = {};
    const tx = <T>(fn: (t: Prisma.TransactionClient) => Promise<T>) => world.prisma.$transaction(fn, MONEY_TRANSACTION);

    const operations: Record<string, () => Promise<void>> = {
      async credit() {
        const wallet = pick(wallets)!;
        const key = randomUUID();
        const input = { amount: BigInt(1 + rnd(5)) * UNIT, currency: 'EUR', kind: 'topup' as const, reason: 'bank test' };
        await retried(() => creditWallet(world.deps, admin, wallet.id, input, { key, fingerprint: key }));
      },
      async hold() {
        const job = jobSubmitted(pick(wallets)!.ownerId, { maxCost: String(1 + rnd(3)) });
        const outcome = await retried(() => tx((t) => placeJobHold(t, job, new Date(), { holdTtlMs: 3_600_000 })));
        if (outcome !== 'rejected') pendingJobs.push(job);
      },
      async post() {
        const job = pendingJobs.splice(rnd(pendingJobs.length), 1)[0];
        if (job) await retried(() => tx((t) => postJobHold(t, jobCompleted(job, String(rnd(400))), new Date(), silent)));
      },
      async void() {
        const job = pendingJobs.splice(rnd(pendingJobs.length), 1)[0];
        if (job) await retried(() => tx((t) => releaseJobHold(t, job.jobId, 'voided', new Date(), { type: 'system', id: null })));
      },
      async charge() {
        const order = orderCreated(pick(wallets)!.ownerId, `${rnd(3)}.${String(rnd(1_000_000)).padStart(6, '0')}`);
        if ((await retried(() => tx((t) => payOrder(t, order)))) === 'paid') paidOrders.push(order);
      },
      async refund() {
        const order = paidOrders.splice(rnd(paidOrders.length), 1)[0];
        if (order) await retried(() => tx((t) => refundOrder(t, order, 'bank test refund', silent)));
      },
    };
    const names = Object.keys(operations);
    const deadline = Date.now() + SECONDS * 1000;
    const worker = async () => {
      while (Date.now() < deadline) {
        const name = names[rnd(names.length)]!;
        await operations[name]!();
        counts[name] = (counts[name] ?? 0) + 1;
      }
    };

    const restart = (async () => {
      await new Promise((r) => setTimeout(r, (SECONDS * 1000) / 2));
      await pg!.stop();
      try {
        await new Promise((r) => setTimeout(r, 1_000));
      } finally {
        await pg!.start();
      }
      return 'restarted';
    })();
    await Promise.all(Array.from({ length: WORKERS }, worker));
    expect(await restart).toBe('restarted');
    expect(interrupted).toBeGreaterThan(0);
    for (const name of names) expect([name, (counts[name] ?? 0) > 0]).toEqual([name, true]);

    const report = await verifyLedger(world.prisma);
    expect(report.violations).toEqual([]);
    const [books] = await world.prisma.$queryRaw<{ balances: bigint; credits: bigint; charges: bigint; refunds: bigint }[]>`
      SELECT (SELECT COALESCE(sum("balance"), 0)::bigint FROM "wallet") AS balances,
        (SELECT COALESCE(sum("amount"), 0)::bigint FROM "ledger_entry" WHERE "type" = 'credit') AS credits,
        (SELECT COALESCE(-sum("amount"), 0)::bigint FROM "ledger_entry" WHERE "type" = 'charge') AS charges,
        (SELECT COALESCE(sum("amount"), 0)::bigint FROM "ledger_entry" WHERE "type" = 'refund') AS refunds`;
    expect(books!.balances).toBe(books!.credits - books!.charges + books!.refunds);
    expect(books!.charges).toBeGreaterThan(0n);
    expect(books!.refunds).toBeGreaterThan(0n);
  });
});
