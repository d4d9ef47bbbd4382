// job.submitted → a hold for the job's maximum cost on its customer's wallet, or a refusal
// (DESIGN.md §4 "Job" step 2, §10 "Holds"; issue 15 items 3, 5). Runs in the consumer's inbox
// transaction: under the wallet's row lock the hold fits above −credit limit or is refused, so
// concurrent holds can never overdraw. The price list in force now is pinned on the hold, so the
// job is later priced with it whatever changes meanwhile. Emits wallet.hold_placed or
// wallet.hold_rejected. Runs on a Prisma transaction or on billing.jobs' plain pg transaction (Sql).
import { formatMoney, parseMoney, type EventData } from '@runfleet/contracts';
import { holdExists, insertHold } from '../data/hold.repository';
import { emitEvents, event } from '../data/outbox.repository';
import { priceInForce } from '../data/price-list.repository';
import { lockWalletOfOwner, type WalletRecord } from '../data/wallet.repository';
import type { Sql } from '../db';
import { planBooking, writeBookings } from './book-movement';
import type { HoldPolicy } from './use-case-deps';
import { availableOf, fits } from './wallet-rules';

export type HoldOutcome = 'placed' | 'rejected' | 'already_held';
type Rejection = EventData<'wallet.hold_rejected'>['reason'];

export async function placeJobHold(tx: Sql, job: EventData<'job.submitted'>, now: Date, policy: HoldPolicy): Promise<HoldOutcome> {
  const reference = { kind: 'job' as const, id: job.jobId };
  // A second job.submitted for the same job (a re-published event) finds the first hold.
  if (await holdExists(tx, 'job', job.jobId)) return 'already_held';
  const amount = parseMoney(job.maxCost, 'maxCost');
  // Read before the wallet lock, so the lock is held for the booking only.
  const price = await priceInForce(tx, job.type, job.currency, now, job.resellerId);
  const wallet = await lockWalletOfOwner(tx, 'customer', job.customerId);

  const reject = async (reason: Rejection, w: WalletRecord | null): Promise<HoldOutcome> => {
    await emitEvents(tx, [
      event('wallet.hold_rejected', {
        walletId: w?.id ?? null,
        customerId: job.customerId,
        resellerId: job.resellerId,
        amount: formatMoney(amount),
        currency: job.currency,
        available: w ? formatMoney(availableOf(w) + w.creditLimit) : null,
        reference,
        reason,
      }),
    ]);
    return 'rejected';
  };

  if (!wallet) return reject('wallet_not_found', null);
  if (wallet.currency !== job.currency) return reject('currency_mismatch', wallet);
  if (wallet.creditStatus !== 'active') return reject('wallet_suspended', wallet);
  if (!price) return reject('no_price', wallet);
  if (!fits(wallet, amount)) return reject('insufficient_funds', wallet);

  const hold = await insertHold(tx, {
    walletId: wallet.id,
    amount,
    referenceKind: 'job',
    referenceId: job.jobId,
    jobType: job.type,
    priceListId: price.id,
    expiresAt: new Date(now.getTime() + policy.holdTtlMs),
  });
  const booking = planBooking(wallet, {
    type: 'hold',
    balanceDelta: 0n,
    reservedDelta: amount,
    referenceKind: 'job',
    referenceId: job.jobId,
    holdId: hold.id,
    idempotencyKey: `job:${job.jobId}:hold`,
    actorType: 'system',
    actorId: null,
  });
  await writeBookings(tx, [booking]);
  const after = booking.wallet;
  await emitEvents(tx, [
    event('wallet.hold_placed', {
      holdId: hold.id,
      walletId: wallet.id,
      customerId: job.customerId,
      resellerId: wallet.resellerId,
      amount: formatMoney(amount),
      currency: wallet.currency,
      availableAfter: formatMoney(availableOf(after)),
      reference,
      expiresAt: hold.expiresAt?.toISOString() ?? null,
    }),
  ]);
  return 'placed';
}
