// order.refund_requested (DESIGN.md §4 "Order", §5 "applied twice changes nothing"): the reseller
// names an order's charge it cannot keep — a payment for an order it cancelled or failed meanwhile,
// or a second payment — and billing gives back what is left of that charge, once per request key.
// The order's own saga refund (order.failed / order.cancelled) may already have given it back: the
// refunds of one charge never add up to more than it, whichever comes first. Locks the order's
// payment row before the wallet, in the order refundOrder does, so the two never deadlock.
import { formatMoney, parseMoney, type EventData } from '@runfleet/contracts';
import type { Logger } from '@runfleet/service-kit';
import { findEntry, findEntryByKey, refundedSoFar } from '../data/ledger.repository';
import { lockOrderPayment, updateOrderPayment } from '../data/order-payment.repository';
import { emitEvents, event } from '../data/outbox.repository';
import { lockWallet } from '../data/wallet.repository';
import type { Db } from '../db';
import { bookMovement } from './book-movement';

export type RefundRequestOutcome = 'refunded' | 'already_refunded' | 'nothing_left' | 'not_a_charge_of_the_order';

export async function refundRequestedCharge(tx: Db, request: EventData<'order.refund_requested'>, log: Logger): Promise<RefundRequestOutcome> {
  // The ledger's unique key is the request's: a re-published request (new message id, same key)
  // finds its refund and changes nothing.
  const ledgerKey = `refund-request:${request.idempotencyKey}`;
  const payment = await lockOrderPayment(tx, request.orderId);
  const charge = await findEntry(tx, request.transactionId);
  if (!charge || charge.type !== 'charge' || charge.referenceKind !== 'order' || charge.referenceId !== request.orderId) {
    // Only billing's own order.paid names a charge, so this is a defect somewhere: nothing is moved.
    log.error({ orderId: request.orderId, transactionId: request.transactionId }, 'refund requested for a ledger entry that is not a charge of this order');
    return 'not_a_charge_of_the_order';
  }
  const wallet = await lockWallet(tx, charge.walletId);
  if (!wallet) throw new Error(`ledger entry ${charge.id} belongs to wallet ${charge.walletId}, which does not exist`);
  // Read after the wallet's lock: a concurrent copy of this request has committed or not started.
  if (await findEntryByKey(tx, ledgerKey)) return 'already_refunded';

  const left = -charge.amount - (await refundedSoFar(tx, charge.id));
  const amount = left < parseMoney(request.amount, 'amount') ? left : parseMoney(request.amount, 'amount');
  if (amount <= 0n) {
    log.info({ orderId: request.orderId, transactionId: charge.id }, 'the charge was already given back');
    return 'nothing_left';
  }
  const reason = `refund requested: ${request.reason}`;
  const refunded = await bookMovement(tx, wallet, {
    type: 'refund',
    balanceDelta: amount,
    reservedDelta: 0n,
    referenceKind: 'order',
    referenceId: request.orderId,
    refundOf: charge.id,
    idempotencyKey: ledgerKey,
    actorType: 'system',
    actorId: null,
    reason,
  });
  if (payment && payment.status === 'paid' && payment.chargeEntryId === charge.id && amount === left) {
    // The order's payment is given back in full: a later order.failed / order.cancelled finds nothing to refund.
    await updateOrderPayment(tx, request.orderId, { status: 'refunded', refundEntryId: refunded.entryId });
  }
  await emitEvents(tx, [
    event('wallet.refunded', {
      walletId: wallet.id,
      customerId: wallet.ownerId,
      resellerId: wallet.resellerId,
      transactionId: refunded.entryId,
      amount: formatMoney(amount),
      currency: wallet.currency,
      balanceAfter: formatMoney(refunded.wallet.balance),
      reference: { kind: 'order', id: request.orderId },
      reason,
    }),
  ]);
  return 'refunded';
}
