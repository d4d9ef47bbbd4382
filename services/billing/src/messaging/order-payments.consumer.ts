// Queue billing.order-payments: billing's side of the order saga (DESIGN.md §4 "Order").
// order.created → charge the total (order.paid | order.payment_failed); order.failed, and
// order.cancelled after payment → refund. Exactly once per order (domain/order-payments.ts).
import { prismaTransactions, type Consumer, type Messaging } from '@runfleet/messaging';
import { MONEY_TRANSACTION, type Prisma, type PrismaClient } from '../db';
import { payOrder, refundOrder } from '../domain/order-payments';

export const ORDER_PAYMENTS_CONCERN = 'order-payments';
const EVENTS = ['order.created', 'order.failed', 'order.cancelled'] as const;

export interface OrderPaymentsDeps {
  prisma: PrismaClient;
}

export function consumeOrderPayments(messaging: Messaging, deps: OrderPaymentsDeps): Promise<Consumer<(typeof EVENTS)[number], Prisma.TransactionClient>> {
  return messaging.consume<(typeof EVENTS)[number], Prisma.TransactionClient>({
    concern: ORDER_PAYMENTS_CONCERN,
    events: EVENTS,
    transaction: prismaTransactions<Prisma.TransactionClient>(deps.prisma, MONEY_TRANSACTION),
    handler: async (envelope, { tx, log }) => {
      const outcome =
        envelope.type === 'order.created'
          ? await payOrder(tx, envelope.data)
          : await refundOrder(tx, envelope.data, envelope.type === 'order.failed' ? `order failed: ${envelope.data.reason}` : `order cancelled: ${envelope.data.reason}`, log);
      log.info({ orderId: envelope.data.orderId, event: envelope.type, outcome }, 'order payment applied');
    },
  });
}
