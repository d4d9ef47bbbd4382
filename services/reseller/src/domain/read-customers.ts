// Reads of customers, scoped: admins all, a reseller its own, a customer only itself (by id).
import type { Page } from '@runfleet/contracts';
import { AppError } from '@runfleet/service-kit';
import { findCustomer, listCustomers as queryCustomers, type CustomerListFilters, type CustomerRecord } from '../data/customer.repository';
import { requireRole, type Actor } from './actor';
import { customerScopeOf } from './customer-scope';
import { notFound } from './not-found';
import type { UseCaseDeps } from './use-case-deps';

export async function getCustomer(deps: UseCaseDeps, actor: Actor, customerId: string): Promise<CustomerRecord> {
  const customer = await findCustomer(deps.prisma, customerScopeOf(actor), customerId);
  if (!customer) throw notFound.customer();
  return customer;
}

export async function listCustomers(deps: UseCaseDeps, actor: Actor, filters: CustomerListFilters): Promise<Page<CustomerRecord>> {
  requireRole(actor, 'admin', 'reseller');
  if (actor.type === 'reseller' && (filters.resellerId !== undefined || filters.direct !== undefined)) {
    const field = filters.resellerId !== undefined ? 'query.resellerId' : 'query.direct';
    throw AppError.badRequest('VALIDATION_FAILED', 'A reseller lists its own customers only.', {
      errors: [{ field, message: 'is for admins only' }],
    });
  }
  return queryCustomers(deps.prisma, customerScopeOf(actor), filters);
}
