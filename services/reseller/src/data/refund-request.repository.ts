// Refunds the reseller asked billing for (order_refund_request): one row per charge to give back,
// inserted in the transaction that writes the order.refund_requested event (issue 13 item 3).
import type { OrderRefundReason } from '@runfleet/contracts';
import type { Db } from '../db';

export interface NewRefundRequest {
  /** the charge to give back: billing's ledger entry from order.paid */
  transactionId: string;
  orderId: string;
  reason: OrderRefundReason;
  amountMicros: bigint;
  currency: string;
  /** the order.paid envelope that reported the charge */
  eventId: string;
}

/**
 * Records the request unless one for the same charge exists (the same duplicate reported again,
 * under another envelope id); returns whether it was new, i.e. whether the event must be written.
 */
export async function insertRefundRequest(db: Db, request: NewRefundRequest): Promise<boolean> {
  const inserted = await db.$executeRaw`
    INSERT INTO "order_refund_request" ("transaction_id", "order_id", "reason", "amount_micros", "currency", "event_id")
    VALUES (${request.transactionId}::uuid, ${request.orderId}::uuid, ${request.reason}, ${request.amountMicros}, ${request.currency}, ${request.eventId}::uuid)
    ON CONFLICT DO NOTHING`;
  return inserted === 1;
}
