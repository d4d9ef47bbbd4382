// The end of a job's hold (DESIGN.md §4 "Job" step 5, §10 "Holds"; issue 15 items 3–5):
// job.completed posts it — the usage priced with the price list pinned at submit, capped at the
// hold, charged, the rest released — and so does job.failed for a job that failed on its own and
// reported usage; a platform failure, job.cancelled and job.rejected void it, and the sweeper
// expires it. Settlements run in the consumer's inbox transaction under the holds' row locks, so a
// job is charged at most once however often its events arrive, and a hold already settled is left
// alone.
//
// Set-based (issue 15 "Speed"): a batch of settlements locks its holds, then its wallets, each in
// id order (concurrent batches and replicas never deadlock), works every booking out in memory with
// the same money rules as any other movement (planBooking: exact balance_after, low balance once
// per crossing), and writes wallets, ledger, holds and outbox rows in one round trip
// (data/statement.ts), after one statement for the month's usage. A job settled twice in one batch
// is settled by its first settlement only. It runs on a Prisma transaction or on a consumer's plain
// pg transaction (Sql), the latter for speed.
import { formatMoney, parseMoney, type EventData } from '@runfleet/contracts';
import type { Logger } from '@runfleet/service-kit';
import { lockHoldsByReferences, settleHoldsStatement, type HoldRecord, type HoldStatus } from '../data/hold.repository';
import { event, outboxStatement, type PendingEvent } from '../data/outbox.repository';
import { combine, run } from '../data/statement';
import { findPriceVersions, type PriceListRecord } from '../data/price-list.repository';
import { advanceUsages, monthOf, usageKey, type UsageAdvance } from '../data/usage-month.repository';
import { lockWallets, type WalletRecord } from '../data/wallet.repository';
import type { Sql } from '../db';
import { bookingWrites, planBooking, type Booking, type PlannedBooking } from './book-movement';
import { jobCost } from './job-price';
import { availableOf } from './wallet-rules';

export type SettleOutcome = 'posted' | 'voided' | 'expired' | 'no_hold' | 'already_settled';
export type ReleaseReason = 'voided' | 'expired';

/** The message a settlement answers: its events keep its correlation id and name it as their cause. */
export interface Cause {
  id: string;
  correlationId: string;
}

export type JobSettlement =
  | { jobId: string; charge: { units: string }; cause?: Cause }
  | { jobId: string; release: ReleaseReason; actor: { type: string; id: string | null }; cause?: Cause };

/** Failures the platform caused cost nothing (issue 15 item 4); `timeout` counts as one (its runner may be lost). */
const PLATFORM_FAILURES: ReadonlySet<EventData<'job.failed'>['reason']> = new Set(['runner_lost', 'runner_error', 'timeout']);

/** What a failed job is charged for: the usage it reported, when it failed on its own; else nothing (null). */
export function chargeableUsage(failed: EventData<'job.failed'>): { units: string } | null {
  if (!failed.usage || PLATFORM_FAILURES.has(failed.reason)) return null;
  return { units: failed.usage.units };
}

const SYSTEM = { type: 'system', id: null };

interface Pending {
  settlement: JobSettlement;
  hold: HoldRecord;
  price: PriceListRecord | null;
  units: bigint;
}

/**
 * Settles the jobs' pending holds in the caller's transaction; returns each settlement's outcome,
 * in order. Throws (rolling the caller's transaction back) when a hold has no price version.
 */
export async function settleJobHolds(tx: Sql, settlements: readonly JobSettlement[], now: Date, log?: Logger): Promise<SettleOutcome[]> {
  const holds = new Map((await lockHoldsByReferences(tx, 'job', [...new Set(settlements.map((s) => s.jobId))])).map((h) => [h.referenceId, h]));
  const outcomes: SettleOutcome[] = [];
  const pending: Pending[] = [];
  const seen = new Set<string>();
  for (const settlement of settlements) {
    const hold = holds.get(settlement.jobId);
    if (!hold) {
      if ('charge' in settlement) log?.warn({ jobId: settlement.jobId }, 'a job billing holds nothing for finished; nothing to charge');
      outcomes.push('no_hold');
    } else if (hold.status !== 'pending' || seen.has(settlement.jobId)) {
      if ('charge' in settlement && hold.status !== 'pending' && hold.status !== 'posted') {
        log?.warn({ jobId: settlement.jobId, holdId: hold.id, status: hold.status }, 'a job finished after its hold was settled; nothing charged');
      }
      outcomes.push('already_settled');
    } else {
      seen.add(settlement.jobId);
      const units = 'charge' in settlement ? parseMoney(settlement.charge.units, 'usage.units') : 0n;
      pending.push({ settlement, hold, price: null, units });
      outcomes.push('charge' in settlement ? 'posted' : settlement.release);
    }
  }
  if (pending.length === 0) return outcomes;

  const charged = pending.filter((p) => 'charge' in p.settlement);
  const prices = await findPriceVersions(tx, [...new Set(charged.map((p) => p.hold.priceListId).filter((id): id is string => id !== null))]);
  for (const p of charged) {
    p.price = (p.hold.priceListId && prices.get(p.hold.priceListId)) || null;
    if (!p.price) throw new Error(`hold ${p.hold.id} has no price list version to price job ${p.settlement.jobId} with`);
  }
  const wallets = new Map((await lockWallets(tx, [...new Set(pending.map((p) => p.hold.walletId))])).map((w) => [w.id, w]));

  // Volume tiers count the customer's units of the job type in the calendar month of posting, the
  // jobs of this batch in their order: each one's usage before is the month's before the batch plus
  // the units of the batch's earlier jobs with the same key.
  const month = monthOf(now);
  const usageOf = (p: Pending): UsageAdvance => ({ customerId: walletOf(wallets, p.hold).ownerId, jobType: p.price!.jobType, month, units: p.units });
  const totals = new Map<string, UsageAdvance>();
  for (const p of charged) {
    const u = usageOf(p);
    const sum = totals.get(usageKey(u));
    totals.set(usageKey(u), sum ? { ...sum, units: sum.units + u.units } : u);
  }
  const usedBefore = await advanceUsages(tx, [...totals.values()]);

  const plan = new BatchPlan(wallets);
  for (const p of pending) {
    if (!('charge' in p.settlement)) {
      plan.release(p.hold, p.settlement.release, p.settlement.actor, p.settlement.cause);
      continue;
    }
    const key = usageKey(usageOf(p));
    const before = usedBefore.get(key)!;
    usedBefore.set(key, before + p.units);
    plan.charge(p.hold, p.price!, p.settlement.charge.units, p.units, before, p.settlement.cause);
  }

  // One round trip: wallets, ledger, holds and outbox rows (data/statement.ts).
  const writes = bookingWrites(plan.bookings, (b) => plan.causes.get(b));
  await run(tx, combine([...writes.statements, settleHoldsStatement(plan.settled, now), outboxStatement([...writes.events, ...plan.events])]));
  return outcomes;
}

/** A batch's bookings, hold settlements and events, worked out in order on the wallets' running states. */
class BatchPlan {
  readonly bookings: PlannedBooking[] = [];
  readonly causes = new Map<PlannedBooking, Cause | undefined>();
  readonly events: PendingEvent[] = [];
  readonly settled: { id: string; status: Exclude<HoldStatus, 'pending'>; captured: bigint | null }[] = [];

  constructor(private readonly wallets: Map<string, WalletRecord>) {}

  /** All of the hold back to available: the job costs nothing. */
  release(hold: HoldRecord, reason: ReleaseReason, actor: { type: string; id: string | null }, cause: Cause | undefined): void {
    const wallet = walletOf(this.wallets, hold);
    const released = this.book(
      wallet,
      {
        type: 'hold_release',
        balanceDelta: 0n,
        reservedDelta: -hold.amount,
        referenceKind: 'job',
        referenceId: hold.referenceId,
        holdId: hold.id,
        idempotencyKey: `job:${hold.referenceId}:release`,
        actorType: actor.type,
        actorId: actor.id,
        reason,
      },
      cause,
    );
    this.settled.push({ id: hold.id, status: reason, captured: null });
    this.emit(
      event('wallet.hold_released', {
        holdId: hold.id,
        ...customerWallet(wallet),
        amount: formatMoney(hold.amount),
        currency: wallet.currency,
        availableAfter: formatMoney(availableOf(released.wallet)),
        reference: { kind: 'job', id: hold.referenceId },
        reason,
      }),
      cause,
    );
  }

  /** The usage priced (tiers from `monthUnitsBefore`, capped at the hold) and charged; the rest released. */
  charge(hold: HoldRecord, price: PriceListRecord, reportedUnits: string, units: bigint, monthUnitsBefore: bigint, cause: Cause | undefined): void {
    const wallet = walletOf(this.wallets, hold);
    const jobId = hold.referenceId;
    const cost = jobCost(units, price.unitPrice, hold.amount, price.tiers, monthUnitsBefore);
    const charged = this.book(
      wallet,
      {
        type: 'charge',
        balanceDelta: -cost.charged,
        reservedDelta: -cost.charged,
        referenceKind: 'job',
        referenceId: jobId,
        holdId: hold.id,
        idempotencyKey: `job:${jobId}:charge`,
        actorType: SYSTEM.type,
        actorId: SYSTEM.id,
        details: {
          priceListId: price.id,
          units: reportedUnits,
          unitPrice: formatMoney(price.unitPrice),
          monthUnitsBefore: formatMoney(monthUnitsBefore),
          tiers: price.tiers.map((t) => ({ fromUnits: formatMoney(t.fromUnits), unitPrice: formatMoney(t.unitPrice) })),
          gross: formatMoney(cost.gross),
          capped: cost.capped,
        },
      },
      cause,
    );
    const rest = hold.amount - cost.charged;
    const released =
      rest > 0n
        ? this.book(
            charged.wallet,
            {
              type: 'hold_release',
              balanceDelta: 0n,
              reservedDelta: -rest,
              referenceKind: 'job',
              referenceId: jobId,
              holdId: hold.id,
              idempotencyKey: `job:${jobId}:release`,
              actorType: SYSTEM.type,
              actorId: SYSTEM.id,
              reason: 'posted_remainder',
            },
            cause,
          )
        : null;
    this.settled.push({ id: hold.id, status: 'posted', captured: cost.charged });
    const reference = { kind: 'job' as const, id: jobId };
    this.emit(
      event('wallet.charged', {
        ...customerWallet(wallet),
        transactionId: charged.entry.id,
        amount: formatMoney(cost.charged),
        currency: wallet.currency,
        balanceAfter: formatMoney(charged.wallet.balance),
        holdId: hold.id,
        reference,
        pricing: {
          priceListId: price.id,
          unit: price.unit,
          unitPrice: formatMoney(price.unitPrice),
          units: reportedUnits,
          gross: formatMoney(cost.gross),
          maxCost: formatMoney(hold.amount),
          capped: cost.capped,
        },
      }),
      cause,
    );
    if (released) {
      this.emit(
        event('wallet.hold_released', {
          holdId: hold.id,
          ...customerWallet(wallet),
          amount: formatMoney(rest),
          currency: wallet.currency,
          availableAfter: formatMoney(availableOf(released.wallet)),
          reference,
          reason: 'posted_remainder',
        }),
        cause,
      );
    }
  }

  private book(wallet: WalletRecord, booking: Booking, cause: Cause | undefined): PlannedBooking {
    const planned = planBooking(wallet, booking);
    this.wallets.set(wallet.id, planned.wallet);
    this.bookings.push(planned);
    this.causes.set(planned, cause);
    return planned;
  }

  private emit(pending: PendingEvent, cause: Cause | undefined): void {
    this.events.push({ ...pending, cause });
  }
}

function customerWallet(wallet: WalletRecord) {
  return { walletId: wallet.id, customerId: wallet.ownerId, resellerId: wallet.resellerId };
}

/** The hold's wallet, locked; the hold is pending and references it, so it exists (FK). */
function walletOf(wallets: Map<string, WalletRecord>, hold: HoldRecord): WalletRecord {
  const wallet = wallets.get(hold.walletId);
  if (!wallet) throw new Error(`hold ${hold.id} names wallet ${hold.walletId}, which does not exist`);
  return wallet;
}

/** Posts one job's hold for its usage (job.completed); a batch of one. */
export async function postJobHold(tx: Sql, job: EventData<'job.completed'>, now: Date, log: Logger): Promise<SettleOutcome> {
  const [outcome] = await settleJobHolds(tx, [{ jobId: job.jobId, charge: { units: job.usage.units } }], now, log);
  return outcome!;
}

/**
 * Releases all of a job's pending hold: `voided` for a job that failed by the platform, was
 * cancelled or was rejected (it costs nothing: DESIGN.md §4), `expired` for the sweeper.
 */
export async function releaseJobHold(tx: Sql, jobId: string, reason: ReleaseReason, now: Date, actor: { type: string; id: string | null }): Promise<SettleOutcome> {
  const [outcome] = await settleJobHolds(tx, [{ jobId, release: reason, actor }], now);
  return outcome!;
}
