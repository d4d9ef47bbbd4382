// Billing's verdict on an order's payment (DESIGN.md §4 "Order"): order.paid moves a pending order
// to `paid`, order.payment_failed to `failed`. Called by the consumers inside the inbox transaction,
// so a redelivered event changes nothing. Reports that arrive after the customer cancelled, or that
// contradict an earlier verdict, are resolved here so no money is left unaccounted for.
import type { EventData } from '@runfleet/contracts';
import type { Logger } from '@runfleet/service-kit';
import { findOrder, transitionOrder } from '../data/order.repository';
import { emitEvents, event } from '../data/outbox.repository';
import type { Db } from '../db';
import { orderEventData } from './order-event-data';

/** The order the event names is not ours, or billing reports two verdicts; retried, then dead-lettered for an operator. */
export class OrderPaymentMismatchError extends Error {
  override readonly name = 'OrderPaymentMismatchError';
}

export type PaymentOutcome = 'paid' | 'failed' | 'refund_requested' | 'already_applied';

export async function applyOrderPaid(tx: Db, data: EventData<'order.paid'>, now: Date, log: Logger): Promise<PaymentOutcome> {
  const paid = await transitionOrder(tx, data.orderId, 'pending', 'paid', { paymentTransactionId: data.transactionId, paidAt: now });
  if (paid) return 'paid';
  const order = await findOrder(tx, data.orderId);
  if (!order) throw new OrderPaymentMismatchError(`order.paid names order ${data.orderId}, which does not exist`);
  switch (order.status) {
    case 'paid':
    case 'fulfilled':
      log.warn({ orderId: order.id, status: order.status, transactionId: data.transactionId }, 'order.paid for an order already paid; nothing to do');
      return 'already_applied';
    case 'cancelled':
      // The customer cancelled while billing was charging: the money came in for an order that
      // will not be fulfilled, so tell billing to give it back (previousStatus 'paid' = refund).
      await emitEvents(tx, [
        event('order.cancelled', {
          ...orderEventData(order),
          previousStatus: 'paid',
          reason: 'payment arrived after the order was cancelled; refund the charge',
        }),
      ]);
      return 'refund_requested';
    default:
      throw new OrderPaymentMismatchError(`order.paid for order ${order.id}, which is ${order.status}`);
  }
}

export async function applyOrderPaymentFailed(
  tx: Db,
  data: EventData<'order.payment_failed'>,
  now: Date,
  log: Logger,
): Promise<PaymentOutcome> {
  const reason = `payment failed (${data.reason}): ${data.message}`;
  const failed = await transitionOrder(tx, data.orderId, 'pending', 'failed', { failureReason: reason, failedAt: now });
  if (failed) return 'failed';
  const order = await findOrder(tx, data.orderId);
  if (!order) throw new OrderPaymentMismatchError(`order.payment_failed names order ${data.orderId}, which does not exist`);
  if (order.status === 'failed' || order.status === 'cancelled') {
    log.info({ orderId: order.id, status: order.status }, 'order.payment_failed for an order already closed; nothing to do');
    return 'already_applied';
  }
  throw new OrderPaymentMismatchError(`order.payment_failed for order ${order.id}, which is ${order.status}`);
}
