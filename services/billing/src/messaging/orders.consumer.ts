// Queue billing.orders: billing's side of the order saga (DESIGN.md §4 "Order").
// order.created → charge the total (order.paid | order.payment_failed); order.failed, and
// order.cancelled after payment → refund; order.refund_requested → refund the charge the reseller
// names (one an order cannot keep), once per request key. Exactly once per order
// (domain/order-payments.ts, domain/refund-requested-charge.ts).
import { consumerQueue } from '@runfleet/contracts';
import { prismaTransactions, type Consumer, type Messaging } from '@runfleet/messaging';
import { MONEY_TRANSACTION, type Prisma, type PrismaClient } from '../db';
import { payOrder, refundOrder } from '../domain/order-payments';
import { refundRequestedCharge } from '../domain/refund-requested-charge';

// Its bindings are the contracts' (packages/contracts consumer-queues.ts), which producers declare ahead.
const QUEUE = consumerQueue('billing', 'orders');
export const ORDERS_CONCERN = QUEUE.concern;
const EVENTS = QUEUE.events;

export interface OrdersDeps {
  prisma: PrismaClient;
}

export function consumeOrders(messaging: Messaging, deps: OrdersDeps): Promise<Consumer<(typeof EVENTS)[number], Prisma.TransactionClient>> {
  return messaging.consume<(typeof EVENTS)[number], Prisma.TransactionClient>({
    concern: ORDERS_CONCERN,
    events: EVENTS,
    transaction: prismaTransactions<Prisma.TransactionClient>(deps.prisma, MONEY_TRANSACTION),
    handler: async (envelope, { tx, log }) => {
      let outcome: string;
      switch (envelope.type) {
        case 'order.created':
          outcome = await payOrder(tx, envelope.data);
          break;
        case 'order.refund_requested':
          outcome = await refundRequestedCharge(tx, envelope.data, log);
          break;
        case 'order.failed':
          outcome = await refundOrder(tx, envelope.data, `order failed: ${envelope.data.reason}`, log);
          break;
        default:
          outcome = await refundOrder(tx, envelope.data, `order cancelled: ${envelope.data.reason}`, log);
      }
      log.info({ orderId: envelope.data.orderId, event: envelope.type, outcome }, 'order payment applied');
    },
  });
}
