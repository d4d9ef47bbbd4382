// Queue reseller.order-payments: billing's verdict on an order's payment (DESIGN.md §4 "Order").
// order.paid → the order is `paid`; order.payment_failed → `failed` with billing's reason. Each
// effect commits with its inbox row, so a redelivered or re-published event changes nothing.
import { consumerQueue } from '@runfleet/contracts';
import { prismaTransactions, type Consumer, type Messaging } from '@runfleet/messaging';
import type { Prisma, PrismaClient } from '../db';
import { applyOrderPaid, applyOrderPaymentFailed } from '../domain/apply-order-payment';

// Its bindings are the contracts' (packages/contracts consumer-queues.ts), which producers declare ahead.
const QUEUE = consumerQueue('reseller', 'order-payments');
export const ORDER_PAYMENTS_CONCERN = QUEUE.concern;
const EVENTS = QUEUE.events;

export interface OrderPaymentsDeps {
  prisma: PrismaClient;
  now: () => Date;
}

export function consumeOrderPayments(
  messaging: Messaging,
  deps: OrderPaymentsDeps,
): Promise<Consumer<(typeof EVENTS)[number], Prisma.TransactionClient>> {
  return messaging.consume<(typeof EVENTS)[number], Prisma.TransactionClient>({
    concern: ORDER_PAYMENTS_CONCERN,
    events: EVENTS,
    transaction: prismaTransactions<Prisma.TransactionClient>(deps.prisma),
    handler: async (envelope, { tx, log }) => {
      const outcome =
        envelope.type === 'order.paid'
          ? await applyOrderPaid(tx, envelope.data, deps.now(), log)
          : await applyOrderPaymentFailed(tx, envelope.data, deps.now(), log);
      log.info({ orderId: envelope.data.orderId, event: envelope.type, outcome }, 'order payment applied');
    },
  });
}
