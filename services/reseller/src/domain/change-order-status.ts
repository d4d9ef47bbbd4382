// What people do to an order after it is placed (DESIGN.md §4 "Order"): its reseller (or an admin)
// fulfils a paid order with the provider's order id and details, or fails it (billing refunds);
// the customer or its reseller cancels a pending one. Each is one conditional UPDATE from the one
// status it may start from, so concurrent attempts cannot both win; the loser gets 409 naming the
// status the order is in. The event and the audit entry commit with the change.
import { recordAudit } from '../data/audit.repository';
import { findOrder, transitionOrder, type OrderRecord, type OrderTransitionData } from '../data/order.repository';
import { emitEvents, event, type PendingEvent } from '../data/outbox.repository';
import type { Db } from '../db';
import { requireRole, type Actor } from './actor';
import { commerceNotFound, invalidOrderTransition } from './commerce-errors';
import { orderEventData } from './order-event-data';
import { TRANSITION_FROM, TRANSITION_TO, type OrderAction } from './order-status';
import { orderScopeOf } from './read-orders';
import type { UseCaseDeps } from './use-case-deps';

export interface FulfilInput {
  externalOrderId: string;
  details: Record<string, unknown>;
}

const WHAT_IS_ALLOWED: Record<'fulfil' | 'fail' | 'cancel', string> = {
  fulfil: 'only a paid order can be fulfilled',
  fail: 'only a paid order can be failed (cancel a pending one instead)',
  cancel: 'only a pending order can be cancelled',
};

/**
 * Finds the order within the actor's scope (404 otherwise), moves it from the action's start
 * status, and runs `after` in the same transaction; 409 when the order is in any other status.
 */
async function transition(
  deps: UseCaseDeps,
  actor: Actor,
  orderId: string,
  action: 'fulfil' | 'fail' | 'cancel',
  data: OrderTransitionData,
  after: (tx: Db, order: OrderRecord) => Promise<void>,
): Promise<OrderRecord> {
  return deps.prisma.$transaction(async (tx) => {
    const order = await findOrder(tx, orderId, orderScopeOf(actor));
    if (!order) throw commerceNotFound.order();
    const changed = await transitionOrder(tx, orderId, TRANSITION_FROM[action as OrderAction], TRANSITION_TO[action as OrderAction], data);
    if (!changed) {
      // Read again: a concurrent transition may have moved it since the first read.
      const current = (await findOrder(tx, orderId))?.status ?? order.status;
      throw invalidOrderTransition(current, WHAT_IS_ALLOWED[action]);
    }
    await after(tx, changed);
    return changed;
  });
}

async function emitAndAudit(tx: Db, actor: Actor, order: OrderRecord, pending: PendingEvent, details: Record<string, unknown>) {
  await emitEvents(tx, [pending]);
  await recordAudit(tx, {
    actorType: actor.type,
    actorId: actor.id,
    action: pending.type,
    targetType: 'order',
    targetId: order.id,
    details,
    resellerId: order.resellerId,
  });
}

/** Admin or the order's reseller: paid → fulfilled; emits order.fulfilled (commission is earned). */
export async function fulfilOrder(deps: UseCaseDeps, actor: Actor, orderId: string, input: FulfilInput): Promise<OrderRecord> {
  requireRole(actor, 'admin', 'reseller');
  const data = { externalOrderId: input.externalOrderId, details: input.details, fulfilledAt: deps.now() };
  return transition(deps, actor, orderId, 'fulfil', data, (tx, order) =>
    emitAndAudit(
      tx,
      actor,
      order,
      event('order.fulfilled', { ...orderEventData(order), externalOrderId: input.externalOrderId, details: input.details }),
      { externalOrderId: input.externalOrderId },
    ),
  );
}

/** Admin or the order's reseller: paid → failed; emits order.failed so billing refunds the customer. */
export async function failOrder(deps: UseCaseDeps, actor: Actor, orderId: string, reason: string): Promise<OrderRecord> {
  requireRole(actor, 'admin', 'reseller');
  return transition(deps, actor, orderId, 'fail', { failureReason: reason, failedAt: deps.now() }, (tx, order) =>
    emitAndAudit(tx, actor, order, event('order.failed', { ...orderEventData(order), reason }), { reason }),
  );
}

/** The customer, its reseller or an admin: pending → cancelled; emits order.cancelled (nothing was charged yet). */
export async function cancelOrder(deps: UseCaseDeps, actor: Actor, orderId: string, reason?: string): Promise<OrderRecord> {
  const why = reason ?? `cancelled by the ${actor.type}`;
  return transition(deps, actor, orderId, 'cancel', { failureReason: why, cancelledAt: deps.now() }, (tx, order) =>
    emitAndAudit(tx, actor, order, event('order.cancelled', { ...orderEventData(order), previousStatus: 'pending', reason: why }), {
      reason: why,
    }),
  );
}
