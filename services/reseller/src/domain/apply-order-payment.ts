// Billing's verdict on an order's payment (DESIGN.md §4 "Order"): order.paid moves a pending order
// to `paid`, order.payment_failed to `failed`. Called by the consumers inside the inbox transaction,
// so a redelivered event changes nothing. A charge the order cannot keep — a second payment for an
// order already paid, or a payment for one cancelled or failed — is handed back to billing with
// order.refund_requested (issue 13 item 3), never acked as "nothing to do": the customer would have
// paid twice with nothing to refund it.
import { parseMoney, type Envelope, type EventData, type OrderRefundReason } from '@runfleet/contracts';
import type { Logger } from '@runfleet/service-kit';
import { findOrder, transitionOrder, type OrderRecord } from '../data/order.repository';
import { emitEvents, event } from '../data/outbox.repository';
import { insertRefundRequest } from '../data/refund-request.repository';
import type { Db } from '../db';
import { orderEventData } from './order-event-data';
import type { OrderStatus } from './order-status';

/** The order the event names is not ours, or billing reports two verdicts; retried, then dead-lettered for an operator. */
export class OrderPaymentMismatchError extends Error {
  override readonly name = 'OrderPaymentMismatchError';
}

export type PaymentOutcome = 'paid' | 'failed' | 'refund_requested' | 'already_applied';

export interface PaymentResult {
  outcome: PaymentOutcome;
  /** set when outcome is refund_requested and this call wrote the request (not when it was asked for before) */
  refundReason?: OrderRefundReason;
}

/** Why a charge for an order in this status cannot be kept; undefined when it can (pending). */
const REFUND_REASON: Partial<Record<OrderStatus, OrderRefundReason>> = {
  paid: 'duplicate_payment',
  fulfilled: 'duplicate_payment',
  cancelled: 'order_cancelled',
  failed: 'order_failed',
};

/** The key billing refunds at most once under: one per charge, whichever envelope reported it. */
export function refundIdempotencyKey(transactionId: string): string {
  return `order-refund:${transactionId.toLowerCase()}`;
}

export async function applyOrderPaid(
  tx: Db,
  envelope: Pick<Envelope<'order.paid', EventData<'order.paid'>>, 'id' | 'data'>,
  now: Date,
  log: Logger,
): Promise<PaymentResult> {
  const { data } = envelope;
  const paid = await transitionOrder(tx, data.orderId, 'pending', 'paid', { paymentTransactionId: data.transactionId, paidAt: now });
  if (paid) return { outcome: 'paid' };
  const order = await findOrder(tx, data.orderId);
  if (!order) throw new OrderPaymentMismatchError(`order.paid names order ${data.orderId}, which does not exist`);
  // The charge the order already holds, reported again by another envelope: nothing to give back.
  if (order.paymentTransactionId?.toLowerCase() === data.transactionId.toLowerCase()) return { outcome: 'already_applied' };
  const reason = REFUND_REASON[order.status];
  if (!reason) throw new OrderPaymentMismatchError(`order.paid for order ${order.id}, which is ${order.status}`);
  return requestRefund(tx, order, envelope, reason, log);
}

async function requestRefund(
  tx: Db,
  order: OrderRecord,
  { id: eventId, data }: Pick<Envelope<'order.paid', EventData<'order.paid'>>, 'id' | 'data'>,
  reason: OrderRefundReason,
  log: Logger,
): Promise<PaymentResult> {
  const fields = { orderId: order.id, status: order.status, transactionId: data.transactionId, keptTransactionId: order.paymentTransactionId, reason };
  const isNew = await insertRefundRequest(tx, {
    transactionId: data.transactionId,
    orderId: order.id,
    reason,
    amountMicros: parseMoney(data.total),
    currency: data.currency,
    eventId,
  });
  if (!isNew) {
    log.info(fields, 'order.paid for a charge already being refunded; nothing more to do');
    return { outcome: 'already_applied' };
  }
  await emitEvents(tx, [
    event('order.refund_requested', {
      ...orderEventData(order),
      transactionId: data.transactionId,
      amount: data.total,
      reason,
      keptTransactionId: order.paymentTransactionId,
      idempotencyKey: refundIdempotencyKey(data.transactionId),
    }),
  ]);
  log.warn({ ...fields, amount: data.total, currency: data.currency }, 'order.paid with a charge the order cannot keep; refund requested');
  return { outcome: 'refund_requested', refundReason: reason };
}

export async function applyOrderPaymentFailed(
  tx: Db,
  data: EventData<'order.payment_failed'>,
  now: Date,
  log: Logger,
): Promise<PaymentResult> {
  const reason = `payment failed (${data.reason}): ${data.message}`;
  const failed = await transitionOrder(tx, data.orderId, 'pending', 'failed', { failureReason: reason, failedAt: now });
  if (failed) return { outcome: 'failed' };
  const order = await findOrder(tx, data.orderId);
  if (!order) throw new OrderPaymentMismatchError(`order.payment_failed names order ${data.orderId}, which does not exist`);
  if (order.status === 'failed' || order.status === 'cancelled') {
    log.info({ orderId: order.id, status: order.status }, 'order.payment_failed for an order already closed; nothing to do');
    return { outcome: 'already_applied' };
  }
  throw new OrderPaymentMismatchError(`order.payment_failed for order ${order.id}, which is ${order.status}`);
}
