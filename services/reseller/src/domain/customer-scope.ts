// What customers an actor may see (issue 4 "Authorization"): admins all, a reseller its own, a customer itself.
import type { CustomerScope } from '../data/customer.repository';
import type { Actor } from './actor';

export function customerScopeOf(actor: Actor): CustomerScope {
  if (actor.type === 'admin') return { all: true };
  if (actor.type === 'reseller') return { resellerId: actor.id };
  return { customerId: actor.id };
}
