// Reads of orders, scoped (DESIGN.md §7): an admin all, a reseller its customers' orders, a
// customer its own. Another's order answers exactly like a missing one.
import type { Page } from '@runfleet/contracts';
import { findOrder, listOrders as queryOrders, type OrderListFilters, type OrderRecord, type OrderScope } from '../data/order.repository';
import type { Actor } from './actor';
import { commerceNotFound, fieldError } from './commerce-errors';
import type { UseCaseDeps } from './use-case-deps';

export function orderScopeOf(actor: Actor): OrderScope {
  if (actor.type === 'reseller') return { resellerId: actor.id };
  if (actor.type === 'customer') return { customerId: actor.id };
  return {};
}

export async function listOrders(deps: UseCaseDeps, actor: Actor, filters: OrderListFilters): Promise<Page<OrderRecord>> {
  if (actor.type !== 'admin' && filters.resellerId !== undefined) {
    throw fieldError('query.resellerId', 'is for admins only', 'This list is already scoped to your own orders.');
  }
  if (actor.type === 'customer' && filters.customerId !== undefined) {
    throw fieldError('query.customerId', 'is for admins and resellers only', 'A customer lists its own orders only.');
  }
  return queryOrders(deps.prisma, { ...filters, ...orderScopeOf(actor) });
}

export async function getOrder(deps: UseCaseDeps, actor: Actor, orderId: string): Promise<OrderRecord> {
  const order = await findOrder(deps.prisma, orderId, orderScopeOf(actor));
  if (!order) throw commerceNotFound.order();
  return order;
}
