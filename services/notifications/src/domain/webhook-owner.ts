// Who owns the webhook endpoints a request touches (issue 17 item 1): the calling customer or
// reseller, read from the gateway-signed principal (DESIGN.md §7). Admins, runners and services own
// no endpoints and are refused before anything is read; every read is then within the owner's account.
import { AppError, type Principal } from '@runfleet/service-kit';
import type { Owner } from '../data/webhook-endpoint.repository';

export function ownerOf(principal: Principal): Owner {
  if (principal.type === 'customer' || principal.type === 'reseller') return { accountType: principal.type, accountId: principal.id };
  throw AppError.forbidden('AUTH_FORBIDDEN', `A ${principal.type} has no webhook endpoints; customers and resellers manage their own.`);
}
