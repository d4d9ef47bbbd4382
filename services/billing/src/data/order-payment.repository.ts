// Billing's record of each reseller order's payment (DESIGN.md §4 "Order"): inserted once per order
// (primary key) and moved on under its row lock, so an order is charged, refused and refunded at
// most once whatever the events' delivery does.
import type { Db } from '../db';

export type OrderPaymentStatus = 'paid' | 'failed' | 'refunded' | 'cancelled';

export interface OrderPaymentRecord {
  orderId: string;
  walletId: string | null;
  status: OrderPaymentStatus;
  total: bigint;
  currency: string;
  chargeEntryId: string | null;
  refundEntryId: string | null;
  failureReason: string | null;
}

export async function lockOrderPayment(tx: Db, orderId: string): Promise<OrderPaymentRecord | null> {
  const rows = await tx.$queryRaw<OrderPaymentRecord[]>`SELECT "order_id" AS "orderId", "wallet_id" AS "walletId", "status",
    "total", "currency", "charge_entry_id" AS "chargeEntryId", "refund_entry_id" AS "refundEntryId", "failure_reason" AS "failureReason"
    FROM "order_payment" WHERE "order_id" = ${orderId}::uuid FOR UPDATE`;
  return rows[0] ?? null;
}

export async function insertOrderPayment(tx: Db, payment: OrderPaymentRecord): Promise<void> {
  await tx.orderPayment.create({ data: payment });
}

export async function updateOrderPayment(
  tx: Db,
  orderId: string,
  change: Partial<Pick<OrderPaymentRecord, 'status' | 'refundEntryId' | 'failureReason'>>,
): Promise<void> {
  await tx.orderPayment.update({ where: { orderId }, data: { ...change, updatedAt: new Date() } });
}
