// A customer orders an offering from its marketplace (DESIGN.md §4 "Order"): the order starts
// `pending` with base price, commission and total frozen at the marketplace price of this moment,
// and order.created (billing charges the total) commits in the same transaction. The client's
// Idempotency-Key is claimed in that transaction too (issue 13 item 2): a retry with the same key —
// the gateway died after our commit, or lost its record — gets the first order back, never a second.
import { createOnce, idempotencyScope, requestFingerprint } from '@runfleet/idempotency';
import { prismaExecutor } from '@runfleet/messaging';
import { AppError } from '@runfleet/service-kit';
import { emitEvents, event } from '../data/outbox.repository';
import { findOrder, insertOrder, type OrderRecord } from '../data/order.repository';
import type { Db } from '../db';
import { requireRole, type Actor } from './actor';
import { commerceNotFound, fieldError } from './commerce-errors';
import { orderPrice } from './marketplace-price';
import { orderEventData } from './order-event-data';
import { findMarketplaceOffering, loadBuyer } from './read-marketplace';
import type { UseCaseDeps } from './use-case-deps';

export interface PlaceOrderInput {
  offeringId: string;
  quantity: number;
}

// Amounts are stored as BIGINT micro-units (DESIGN.md §5).
const INT64_MAX = 2n ** 63n - 1n;

export const PLACE_ORDER_OPERATION = 'POST /v1/orders';

export interface PlacedOrder {
  order: OrderRecord;
  /** true when an earlier request with the same Idempotency-Key placed it */
  replayed: boolean;
}

export async function placeOrder(deps: UseCaseDeps, actor: Actor, input: PlaceOrderInput, idempotencyKey: string): Promise<PlacedOrder> {
  requireRole(actor, 'customer');
  return deps.prisma.$transaction(async (tx) => {
    const placed = await createOnce(
      prismaExecutor(tx),
      { scope: idempotencyScope(actor), key: idempotencyKey, fingerprint: requestFingerprint(PLACE_ORDER_OPERATION, input) },
      // A replay returns the order as it is now (it may be paid by then), checked against nothing
      // else: the offering may have changed since, the order stands.
      { create: () => insertPricedOrder(tx, actor, input), find: (id) => findOrder(tx, id, { customerId: actor.id }) },
    );
    return { order: placed.value, replayed: placed.replayed };
  });
}

async function insertPricedOrder(tx: Db, actor: Actor, input: PlaceOrderInput): Promise<OrderRecord> {
  const buyer = await loadBuyer(tx, actor.id);
  // Not in this customer's marketplace (missing, inactive, not resold by its reseller): same 404.
  const offering = await findMarketplaceOffering(tx, input.offeringId, buyer.resellerId);
  if (!offering) throw commerceNotFound.offering();
  if (offering.offering.currency !== buyer.currency) {
    throw AppError.conflict(
      'ORDER_CURRENCY_MISMATCH',
      `The offering is priced in ${offering.offering.currency}; this customer pays in ${buyer.currency}.`,
    );
  }
  const price = orderPrice(offering.offering.basePriceMicros, offering.commissionBps, input.quantity);
  if (price.totalMicros > INT64_MAX) throw fieldError('body.quantity', 'makes the order total too large');
  const order = await insertOrder(tx, {
    customerId: buyer.customerId,
    resellerId: buyer.resellerId,
    offeringId: offering.offering.id,
    providerId: offering.offering.providerId,
    offeringName: offering.offering.name,
    unit: offering.offering.unit,
    quantity: input.quantity,
    commissionBps: offering.commissionBps,
    basePriceMicros: price.baseMicros,
    commissionMicros: price.commissionMicros,
    totalMicros: price.totalMicros,
    currency: offering.offering.currency,
  });
  await emitEvents(tx, [event('order.created', orderEventData(order))]);
  return order;
}
