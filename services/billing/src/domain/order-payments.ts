// Billing's side of the order saga (DESIGN.md §4 "Order"; issue 15 item 6): order.created →
// charge the total → order.paid | order.payment_failed; order.failed, and order.cancelled after
// payment → a full refund (wallet.refunded). Each order has one order_payment row, inserted or
// moved on under its lock in the consumer's inbox transaction, so an order is charged, refused and
// refunded at most once whatever the events' delivery does.
import { formatMoney, parseMoney, type EventData } from '@runfleet/contracts';
import type { Logger } from '@runfleet/service-kit';
import { refundedSoFar } from '../data/ledger.repository';
import { insertOrderPayment, lockOrderPayment, updateOrderPayment } from '../data/order-payment.repository';
import { emitEvents, event } from '../data/outbox.repository';
import { lockWallet, lockWalletOfOwner, type WalletRecord } from '../data/wallet.repository';
import type { Db } from '../db';
import { bookMovement } from './book-movement';
import { fits } from './wallet-rules';

type OrderData = EventData<'order.created'>;
type Refusal = EventData<'order.payment_failed'>['reason'];

/** The order fields every order event carries (order.paid and order.payment_failed repeat them). */
function orderFields(order: OrderData): OrderData {
  const { orderId, customerId, resellerId, offeringId, offeringName, providerId, basePrice, commission, total, currency } = order;
  return { orderId, customerId, resellerId, offeringId, offeringName, providerId, basePrice, commission, total, currency };
}

export type OrderPaymentOutcome = 'paid' | 'payment_failed' | 'already_decided';

export async function payOrder(tx: Db, order: OrderData): Promise<OrderPaymentOutcome> {
  if (await lockOrderPayment(tx, order.orderId)) return 'already_decided';
  const total = parseMoney(order.total, 'total');
  const wallet = await lockWalletOfOwner(tx, 'customer', order.customerId);

  const refuse = async (reason: Refusal, message: string, w: WalletRecord | null): Promise<OrderPaymentOutcome> => {
    await insertOrderPayment(tx, {
      orderId: order.orderId,
      walletId: w?.id ?? null,
      status: 'failed',
      total,
      currency: order.currency,
      chargeEntryId: null,
      refundEntryId: null,
      failureReason: reason,
    });
    await emitEvents(tx, [event('order.payment_failed', { ...orderFields(order), reason, message })]);
    return 'payment_failed';
  };

  if (!wallet) return refuse('wallet_not_found', 'The customer has no wallet.', null);
  if (wallet.currency !== order.currency) return refuse('currency_mismatch', `The wallet is in ${wallet.currency}, the order in ${order.currency}.`, wallet);
  if (wallet.creditStatus !== 'active') return refuse('wallet_suspended', `The wallet is ${wallet.creditStatus}.`, wallet);
  if (!fits(wallet, total)) return refuse('insufficient_funds', `The available balance does not cover ${order.total} ${order.currency}.`, wallet);

  const charged = await bookMovement(tx, wallet, {
    type: 'charge',
    balanceDelta: -total,
    reservedDelta: 0n,
    referenceKind: 'order',
    referenceId: order.orderId,
    idempotencyKey: `order:${order.orderId}:charge`,
    actorType: 'system',
    actorId: null,
  });
  await insertOrderPayment(tx, {
    orderId: order.orderId,
    walletId: wallet.id,
    status: 'paid',
    total,
    currency: order.currency,
    chargeEntryId: charged.entryId,
    refundEntryId: null,
    failureReason: null,
  });
  await emitEvents(tx, [
    event('order.paid', { ...orderFields(order), transactionId: charged.entryId }),
    event('wallet.charged', {
      walletId: wallet.id,
      customerId: wallet.ownerId,
      resellerId: wallet.resellerId,
      transactionId: charged.entryId,
      amount: formatMoney(total),
      currency: wallet.currency,
      balanceAfter: formatMoney(charged.wallet.balance),
      holdId: null,
      reference: { kind: 'order', id: order.orderId },
    }),
  ]);
  return 'paid';
}

export type RefundOutcome = 'refunded' | 'nothing_to_refund' | 'cancelled_before_payment';

/**
 * order.failed, or order.cancelled: gives a paid order's total back, once. An order cancelled
 * before billing saw it is marked so that a late order.created charges nothing.
 */
export async function refundOrder(tx: Db, order: OrderData, reason: string, log: Logger): Promise<RefundOutcome> {
  const payment = await lockOrderPayment(tx, order.orderId);
  if (!payment) {
    await insertOrderPayment(tx, {
      orderId: order.orderId,
      walletId: null,
      status: 'cancelled',
      total: parseMoney(order.total, 'total'),
      currency: order.currency,
      chargeEntryId: null,
      refundEntryId: null,
      failureReason: reason,
    });
    return 'cancelled_before_payment';
  }
  if (payment.status !== 'paid') {
    log.info({ orderId: order.orderId, status: payment.status }, 'no paid charge to refund for this order');
    return 'nothing_to_refund';
  }
  const wallet = payment.walletId ? await lockWallet(tx, payment.walletId) : null;
  if (!wallet || payment.chargeEntryId === null) throw new Error(`order payment ${order.orderId} is paid without a wallet or charge`);
  // What an admin already refunded of the charge is not given back twice.
  const left = payment.total - (await refundedSoFar(tx, payment.chargeEntryId));
  if (left <= 0n) {
    await updateOrderPayment(tx, order.orderId, { status: 'refunded' });
    return 'refunded';
  }
  const refunded = await bookMovement(tx, wallet, {
    type: 'refund',
    balanceDelta: left,
    reservedDelta: 0n,
    referenceKind: 'order',
    referenceId: order.orderId,
    refundOf: payment.chargeEntryId,
    idempotencyKey: `order:${order.orderId}:refund`,
    actorType: 'system',
    actorId: null,
    reason,
  });
  await updateOrderPayment(tx, order.orderId, { status: 'refunded', refundEntryId: refunded.entryId });
  await emitEvents(tx, [
    event('wallet.refunded', {
      walletId: wallet.id,
      customerId: wallet.ownerId,
      resellerId: wallet.resellerId,
      transactionId: refunded.entryId,
      amount: formatMoney(left),
      currency: wallet.currency,
      balanceAfter: formatMoney(refunded.wallet.balance),
      reference: { kind: 'order', id: order.orderId },
      reason,
    }),
  ]);
  return 'refunded';
}
