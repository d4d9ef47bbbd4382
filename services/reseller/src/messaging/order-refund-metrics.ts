// What an operator watches for charges the reseller handed back (issue 13 item 3): a rise means
// billing charged an order twice, or charged one that will never be fulfilled. Alert on any increase.
import { Counter, type Registry } from 'prom-client';

export type OrderRefundMetrics = Counter<'reason'>;

const byRegistry = new WeakMap<Registry, OrderRefundMetrics>();

/** The counter on `registry`, created once per registry (tests share one across consumers). */
export function orderRefundMetrics(registry: Registry): OrderRefundMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const counter = new Counter({
    name: 'runfleet_order_refunds_requested_total',
    help: 'Charges for orders the reseller asked billing to refund (order.refund_requested), by reason: duplicate_payment, order_cancelled, order_failed',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  byRegistry.set(registry, counter);
  return counter;
}
