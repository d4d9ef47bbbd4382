// GET /v1/me: the caller's own account — a reseller its record (with tier), a customer its record,
// an admin just its identity (admins have no table, see the bootstrap CLI).
import { findCustomer, type CustomerRecord } from '../data/customer.repository';
import { findReseller, type ResellerRecord } from '../data/reseller.repository';
import type { Actor } from './actor';
import { notFound } from './not-found';
import type { UseCaseDeps } from './use-case-deps';

export type Me =
  | { type: 'admin'; id: string }
  | { type: 'reseller'; reseller: ResellerRecord }
  | { type: 'customer'; customer: CustomerRecord };

export async function readMe(deps: UseCaseDeps, actor: Actor): Promise<Me> {
  if (actor.type === 'admin') return { type: 'admin', id: actor.id };
  if (actor.type === 'reseller') {
    const reseller = await findReseller(deps.prisma, actor.id);
    if (!reseller) throw notFound.reseller();
    return { type: 'reseller', reseller };
  }
  const customer = await findCustomer(deps.prisma, { customerId: actor.id }, actor.id);
  if (!customer) throw notFound.customer();
  return { type: 'customer', customer };
}
