// Books one movement on a wallet the caller has locked: the new balance and reserved, the ledger
// entry that records it, and wallet.low_balance when the movement crosses the threshold — all in
// the caller's transaction (DESIGN.md §5: every balance change is one entry in the same
// transaction). Every use case that moves money goes through here.
import { formatMoney } from '@runfleet/contracts';
import { insertEntry, type EntryType } from '../data/ledger.repository';
import { emitEvents, event } from '../data/outbox.repository';
import { saveWalletState, type WalletRecord } from '../data/wallet.repository';
import type { Db } from '../db';
import { applyMovement, availableOf, type Movement } from './wallet-rules';

export interface Booking extends Movement {
  type: EntryType;
  referenceKind: string | null;
  referenceId: string | null;
  holdId?: string | null;
  refundOf?: string | null;
  idempotencyKey: string;
  actorType: string;
  actorId: string | null;
  reason?: string | null;
  details?: Record<string, unknown> | null;
}

export interface Booked {
  entryId: string;
  wallet: WalletRecord;
}

/**
 * `wallet` must be locked in `tx` (lockWallet…) and is the state before the booking; several
 * bookings in a row pass the previous result's wallet on.
 */
export async function bookMovement(tx: Db, wallet: WalletRecord, booking: Booking): Promise<Booked> {
  const result = applyMovement(wallet, booking);
  const after: WalletRecord = { ...wallet, balance: result.balance, reserved: result.reserved, lowBalanceArmed: result.lowBalanceArmed };
  await saveWalletState(tx, wallet.id, after);
  const entryId = await insertEntry(tx, {
    walletId: wallet.id,
    type: booking.type,
    amount: booking.balanceDelta,
    reservedDelta: booking.reservedDelta,
    balanceAfter: after.balance,
    reservedAfter: after.reserved,
    referenceKind: booking.referenceKind,
    referenceId: booking.referenceId,
    holdId: booking.holdId ?? null,
    refundOf: booking.refundOf ?? null,
    idempotencyKey: booking.idempotencyKey,
    actorType: booking.actorType,
    actorId: booking.actorId,
    reason: booking.reason ?? null,
    details: booking.details ?? null,
  });
  if (result.lowBalanceCrossed && after.ownerType === 'customer') {
    await emitEvents(tx, [
      event('wallet.low_balance', {
        walletId: after.id,
        customerId: after.ownerId,
        resellerId: after.resellerId,
        balance: formatMoney(after.balance),
        available: formatMoney(availableOf(after)),
        threshold: formatMoney(after.lowBalanceThreshold),
        currency: after.currency,
      }),
    ]);
  }
  return { entryId, wallet: after };
}
