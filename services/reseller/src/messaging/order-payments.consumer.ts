// Queue reseller.order-payments: billing's verdict on an order's payment (DESIGN.md §4 "Order").
// order.paid → the order is `paid` (or, for a charge the order cannot keep, order.refund_requested);
// order.payment_failed → `failed` with billing's reason. Each effect commits with its inbox row, so
// a redelivered or re-published event changes nothing.
import { consumerQueue } from '@runfleet/contracts';
import { prismaTransactions, type Consumer, type Messaging } from '@runfleet/messaging';
import type { Registry } from 'prom-client';
import type { Prisma, PrismaClient } from '../db';
import { applyOrderPaid, applyOrderPaymentFailed } from '../domain/apply-order-payment';
import { orderRefundMetrics } from './order-refund-metrics';

// Its bindings are the contracts' (packages/contracts consumer-queues.ts), which producers declare ahead.
const QUEUE = consumerQueue('reseller', 'order-payments');
export const ORDER_PAYMENTS_CONCERN = QUEUE.concern;
const EVENTS = QUEUE.events;

export interface OrderPaymentsDeps {
  prisma: PrismaClient;
  now: () => Date;
  /** the service's metrics registry (runfleet_order_refunds_requested_total) */
  registry: Registry;
}

export function consumeOrderPayments(
  messaging: Messaging,
  deps: OrderPaymentsDeps,
): Promise<Consumer<(typeof EVENTS)[number], Prisma.TransactionClient>> {
  const refunds = orderRefundMetrics(deps.registry);
  return messaging.consume<(typeof EVENTS)[number], Prisma.TransactionClient>({
    concern: ORDER_PAYMENTS_CONCERN,
    events: EVENTS,
    transaction: prismaTransactions<Prisma.TransactionClient>(deps.prisma),
    handler: async (envelope, { tx, log }) => {
      const result =
        envelope.type === 'order.paid'
          ? await applyOrderPaid(tx, envelope, deps.now(), log)
          : await applyOrderPaymentFailed(tx, envelope.data, deps.now(), log);
      // Counted before the commit: a rare failed commit over-counts by one, which an alert on any
      // increase tolerates better than a refund nobody sees.
      if (result.refundReason) refunds.inc({ reason: result.refundReason });
      log.info({ orderId: envelope.data.orderId, event: envelope.type, outcome: result.outcome }, 'order payment applied');
    },
  });
}
