// The end of a job's hold (DESIGN.md §4 "Job" step 5, §10 "Holds"; issue 15 items 3–5):
// job.completed posts it — the usage priced with the price list pinned at submit, capped at the
// hold, charged, the rest released — and job.failed / job.cancelled / job.rejected void it.
// Both run in the consumer's inbox transaction under the hold's row lock, so a job is charged at
// most once however often its events arrive, and a hold already settled is left alone.
import { formatMoney, parseMoney, type EventData } from '@runfleet/contracts';
import type { Logger } from '@runfleet/service-kit';
import { lockHoldByReference, settleHold, type HoldRecord } from '../data/hold.repository';
import { emitEvents, event } from '../data/outbox.repository';
import { findPriceVersion } from '../data/price-list.repository';
import { advanceUsage, monthOf } from '../data/usage-month.repository';
import { lockWallet, type WalletRecord } from '../data/wallet.repository';
import type { Db } from '../db';
import { bookMovement } from './book-movement';
import { jobCost } from './job-price';
import { availableOf } from './wallet-rules';

export type SettleOutcome = 'posted' | 'voided' | 'expired' | 'no_hold' | 'already_settled';

/** The hold's wallet, locked; the hold is pending and references it, so it exists (FK). */
async function holdWallet(tx: Db, hold: HoldRecord): Promise<WalletRecord> {
  const wallet = await lockWallet(tx, hold.walletId);
  if (!wallet) throw new Error(`hold ${hold.id} names wallet ${hold.walletId}, which does not exist`);
  return wallet;
}

export async function postJobHold(tx: Db, job: EventData<'job.completed'>, now: Date, log: Logger): Promise<SettleOutcome> {
  const hold = await lockHoldByReference(tx, 'job', job.jobId);
  if (!hold) {
    log.warn({ jobId: job.jobId }, 'job.completed for a job billing holds nothing for; nothing to charge');
    return 'no_hold';
  }
  if (hold.status !== 'pending') {
    if (hold.status !== 'posted') log.warn({ jobId: job.jobId, holdId: hold.id, status: hold.status }, 'job.completed after its hold was settled; nothing charged');
    return 'already_settled';
  }
  const price = hold.priceListId ? await findPriceVersion(tx, hold.priceListId) : null;
  if (!price) throw new Error(`hold ${hold.id} has no price list version to price job ${job.jobId} with`);
  const wallet = await holdWallet(tx, hold);
  const units = parseMoney(job.usage.units, 'usage.units');
  // Volume tiers count the customer's units of this job type in the calendar month of posting.
  const usedBefore = await advanceUsage(tx, wallet.ownerId, price.jobType, monthOf(now), units);
  const cost = jobCost(units, price.unitPrice, hold.amount, price.tiers, usedBefore);
  const reference = { kind: 'job' as const, id: job.jobId };

  const charged = await bookMovement(tx, wallet, {
    type: 'charge',
    balanceDelta: -cost.charged,
    reservedDelta: -cost.charged,
    referenceKind: 'job',
    referenceId: job.jobId,
    holdId: hold.id,
    idempotencyKey: `job:${job.jobId}:charge`,
    actorType: 'system',
    actorId: null,
    details: {
      priceListId: price.id,
      units: job.usage.units,
      unitPrice: formatMoney(price.unitPrice),
      monthUnitsBefore: formatMoney(usedBefore),
      tiers: price.tiers.map((t) => ({ fromUnits: formatMoney(t.fromUnits), unitPrice: formatMoney(t.unitPrice) })),
      gross: formatMoney(cost.gross),
      capped: cost.capped,
    },
  });
  const rest = hold.amount - cost.charged;
  let after = charged.wallet;
  if (rest > 0n) {
    ({ wallet: after } = await bookMovement(tx, after, {
      type: 'hold_release',
      balanceDelta: 0n,
      reservedDelta: -rest,
      referenceKind: 'job',
      referenceId: job.jobId,
      holdId: hold.id,
      idempotencyKey: `job:${job.jobId}:release`,
      actorType: 'system',
      actorId: null,
      reason: 'posted_remainder',
    }));
  }
  await settleHold(tx, hold.id, 'posted', cost.charged, now);

  const customerWallet = { walletId: wallet.id, customerId: wallet.ownerId, resellerId: wallet.resellerId };
  await emitEvents(tx, [
    event('wallet.charged', {
      ...customerWallet,
      transactionId: charged.entryId,
      amount: formatMoney(cost.charged),
      currency: wallet.currency,
      balanceAfter: formatMoney(charged.wallet.balance),
      holdId: hold.id,
      reference,
      pricing: {
        priceListId: price.id,
        unit: price.unit,
        unitPrice: formatMoney(price.unitPrice),
        units: job.usage.units,
        gross: formatMoney(cost.gross),
        maxCost: formatMoney(hold.amount),
        capped: cost.capped,
      },
    }),
    ...(rest > 0n
      ? [
          event('wallet.hold_released', {
            holdId: hold.id,
            ...customerWallet,
            amount: formatMoney(rest),
            currency: wallet.currency,
            availableAfter: formatMoney(availableOf(after)),
            reference,
            reason: 'posted_remainder' as const,
          }),
        ]
      : []),
  ]);
  return 'posted';
}

export type ReleaseReason = 'voided' | 'expired';

/**
 * Releases all of a job's pending hold: `voided` for a job that failed, was cancelled or was
 * rejected (it costs nothing: DESIGN.md §4), `expired` for the sweeper.
 */
export async function releaseJobHold(tx: Db, jobId: string, reason: ReleaseReason, now: Date, actor: { type: string; id: string | null }): Promise<SettleOutcome> {
  const hold = await lockHoldByReference(tx, 'job', jobId);
  if (!hold) return 'no_hold';
  if (hold.status !== 'pending') return 'already_settled';
  const wallet = await holdWallet(tx, hold);
  const { wallet: after } = await bookMovement(tx, wallet, {
    type: 'hold_release',
    balanceDelta: 0n,
    reservedDelta: -hold.amount,
    referenceKind: 'job',
    referenceId: jobId,
    holdId: hold.id,
    idempotencyKey: `job:${jobId}:release`,
    actorType: actor.type,
    actorId: actor.id,
    reason,
  });
  await settleHold(tx, hold.id, reason, null, now);
  await emitEvents(tx, [
    event('wallet.hold_released', {
      holdId: hold.id,
      walletId: wallet.id,
      customerId: wallet.ownerId,
      resellerId: wallet.resellerId,
      amount: formatMoney(hold.amount),
      currency: wallet.currency,
      availableAfter: formatMoney(availableOf(after)),
      reference: { kind: 'job', id: jobId },
      reason,
    }),
  ]);
  return reason;
}
