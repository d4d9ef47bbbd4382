// Books one movement on a wallet the caller has locked: the new balance and reserved, the ledger
// entry that records it, and wallet.low_balance when the movement crosses the threshold — all in
// the caller's transaction (DESIGN.md §5: every balance change is one entry in the same
// transaction). Every use case that moves money goes through here.
import { randomUUID } from 'node:crypto';
import { formatMoney } from '@runfleet/contracts';
import { entriesStatement, insertEntry, type EntryType, type NewEntry } from '../data/ledger.repository';
import { emitEvents, event, outboxStatement, type PendingEvent } from '../data/outbox.repository';
import { combine, run, type Statement } from '../data/statement';
import { saveWalletState, walletStatesStatement, type WalletRecord } from '../data/wallet.repository';
import type { Db, Sql } from '../db';
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

/** A booking worked out but not written yet: the entry, the wallet after it, and its low-balance alarm. */
export interface PlannedBooking {
  entry: NewEntry & { id: string };
  wallet: WalletRecord;
  lowBalance: PendingEvent<'wallet.low_balance'> | null;
}

/**
 * What `booking` does to `wallet` (its state before, locked by the caller), without writing it: the
 * set-based job settlement (settle-job-hold.ts) plans a batch of bookings, then writes them with one
 * statement per table. The entry's id is chosen here, so an event can name it before the insert.
 */
export function planBooking(wallet: WalletRecord, booking: Booking): PlannedBooking {
  const result = applyMovement(wallet, booking);
  const after: WalletRecord = { ...wallet, balance: result.balance, reserved: result.reserved, lowBalanceArmed: result.lowBalanceArmed };
  const entry = {
    id: randomUUID(),
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
  };
  const lowBalance =
    result.lowBalanceCrossed && after.ownerType === 'customer'
      ? event('wallet.low_balance', {
          walletId: after.id,
          customerId: after.ownerId,
          resellerId: after.resellerId,
          balance: formatMoney(after.balance),
          available: formatMoney(availableOf(after)),
          threshold: formatMoney(after.lowBalanceThreshold),
          currency: after.currency,
        })
      : null;
  return { entry, wallet: after, lowBalance };
}

/**
 * What writing planned bookings takes, to run in one round trip with other writes (statement.ts):
 * each touched wallet's last state (wallets in id order), every ledger entry in order, and the
 * low-balance alarms to emit, with `cause` (see PendingEvent.cause).
 */
export function bookingWrites(
  bookings: readonly PlannedBooking[],
  cause?: (booking: PlannedBooking) => PendingEvent['cause'],
): { statements: (Statement | null)[]; events: PendingEvent[] } {
  const last = new Map(bookings.map((b) => [b.wallet.id, b.wallet]));
  return {
    statements: [walletStatesStatement([...last.keys()].sort().map((id) => last.get(id)!)), entriesStatement(bookings.map((b) => b.entry))],
    events: bookings.flatMap((b) => (b.lowBalance ? [{ ...b.lowBalance, cause: cause?.(b) }] : [])),
  };
}

/** Writes planned bookings (what bookMovement does for one booking, for several) in one round trip. */
export async function writeBookings(tx: Sql, bookings: readonly PlannedBooking[]): Promise<void> {
  const writes = bookingWrites(bookings);
  await run(tx, combine([...writes.statements, outboxStatement(writes.events)]));
}

/**
 * `wallet` must be locked in `tx` (lockWallet…) and is the state before the booking; several
 * bookings in a row pass the previous result's wallet on.
 */
export async function bookMovement(tx: Db, wallet: WalletRecord, booking: Booking): Promise<Booked> {
  const planned = planBooking(wallet, booking);
  await saveWalletState(tx, wallet.id, planned.wallet);
  const entryId = await insertEntry(tx, planned.entry);
  if (planned.lowBalance) await emitEvents(tx, [planned.lowBalance]);
  return { entryId, wallet: planned.wallet };
}
