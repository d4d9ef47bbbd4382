// Puts a reseller's approved commissions on its earnings wallet (issue 16 item 1; DESIGN.md §5): one
// ledger entry of type `commission` per commission, in the caller's transaction, under the wallet's
// row lock (taken by the caller before any commission row). An earning is credited whole
// (wallet.credited, source commission). A clawback is debited as far as the wallet's available
// allows — a reseller who has already been paid the commission cannot go below zero — and what is
// left of it stays owed: the next approval's credits pay it first, so it reduces the next payout.
import { formatMoney } from '@runfleet/contracts';
import { lockUnbooked, setBooked, type CommissionRecord } from '../data/commission.repository';
import { emitEvents, event } from '../data/outbox.repository';
import type { WalletRecord } from '../data/wallet.repository';
import type { Db } from '../db';
import { bookMovement } from './book-movement';
import { availableOf } from './wallet-rules';

export const APPROVER = 'commission-approval';

/** Books what is unbooked of the reseller's approved commissions; returns the wallet after. */
export async function bookEarnings(tx: Db, wallet: WalletRecord, resellerId: string): Promise<WalletRecord> {
  const rows = await lockUnbooked(tx, resellerId);
  let current = wallet;
  // credits first, so the clawbacks can take from them
  const ordered = [...rows.filter((c) => c.amount > 0n), ...rows.filter((c) => c.amount < 0n)];
  for (const c of ordered) {
    const wanted = c.amount - c.booked;
    const amount = wanted > 0n ? wanted : -minBigint(-wanted, maxBigint(availableOf(current), 0n));
    if (amount === 0n) continue;
    const booked = await bookMovement(tx, current, {
      type: 'commission',
      balanceDelta: amount,
      reservedDelta: 0n,
      referenceKind: 'commission',
      referenceId: c.id,
      idempotencyKey: `commission:${c.id}:${c.booked + amount}`,
      actorType: 'system',
      actorId: APPROVER,
      reason: c.kind === 'clawback' ? 'clawback' : null,
      details: { source: { kind: c.sourceKind, id: c.sourceId }, customerId: c.customerId },
    });
    current = booked.wallet;
    await setBooked(tx, c.id, c.booked + amount);
    if (amount > 0n) await emitCredited(tx, current, c, booked.entryId, amount);
  }
  return current;
}

async function emitCredited(tx: Db, wallet: WalletRecord, c: CommissionRecord, entryId: string, amount: bigint): Promise<void> {
  await emitEvents(tx, [
    event('wallet.credited', {
      walletId: wallet.id,
      ownerType: 'reseller',
      customerId: null,
      resellerId: wallet.ownerId,
      transactionId: entryId,
      amount: formatMoney(amount),
      currency: wallet.currency,
      balanceAfter: formatMoney(wallet.balance),
      source: 'commission',
      reference: { kind: 'commission', id: c.id },
    }),
  ]);
}

const minBigint = (a: bigint, b: bigint) => (a < b ? a : b);
const maxBigint = (a: bigint, b: bigint) => (a > b ? a : b);
