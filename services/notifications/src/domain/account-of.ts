// Whose notifications a caller may see (issue 17 "Authorization"): a customer or a reseller reads and
// changes only its own feed and preferences. Admins have no feed or mailbox here, and runners and
// services are not account holders, so they are refused outright.
import { AppError, type Principal } from '@runfleet/service-kit';
import type { Recipient } from './account-notification';

export function accountOf(principal: Principal): Recipient {
  if (principal.type === 'customer' || principal.type === 'reseller') return { accountType: principal.type, accountId: principal.id };
  throw AppError.forbidden('AUTH_FORBIDDEN', `A ${principal.type} has no notifications of its own.`);
}
