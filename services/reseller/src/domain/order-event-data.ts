// The order state every order.* event carries (event-carried state: consumers never call back).
import { formatMoney } from '@runfleet/contracts';
import type { OrderRecord } from '../data/order.repository';

export function orderEventData(order: OrderRecord) {
  return {
    orderId: order.id,
    customerId: order.customerId,
    resellerId: order.resellerId,
    offeringId: order.offeringId,
    offeringName: order.offeringName,
    providerId: order.providerId,
    basePrice: formatMoney(order.basePriceMicros),
    commission: formatMoney(order.commissionMicros),
    total: formatMoney(order.totalMicros),
    currency: order.currency,
  };
}
