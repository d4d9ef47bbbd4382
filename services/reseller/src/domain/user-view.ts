// What a user looks like to the API and to the gateway (issue 19 contract): the `user` object, and
// the principal a session of theirs stands for (the same shape an API key of the account has).
import type { UserRecord, UserRole } from '../data/user.repository';

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  resellerId: string | null;
  customerId: string | null;
  emailVerified: boolean;
  totpEnabled: boolean;
}

export function userView(user: UserRecord): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    resellerId: user.resellerId,
    customerId: user.customerId,
    emailVerified: user.emailVerifiedAt !== null,
    totpEnabled: user.totpEnabled,
  };
}

/**
 * Reseller staff act as their reseller, a customer's user as its customer, an admin as itself: the
 * services' role checks then apply to a session exactly as to that account's API key.
 */
export function principalOfUser(user: { id: string; role: UserRole; resellerId: string | null; customerId: string | null }): {
  type: UserRole;
  id: string;
  resellerId: string | null;
} {
  if (user.role === 'admin') return { type: 'admin', id: user.id, resellerId: null };
  if (user.role === 'reseller') return { type: 'reseller', id: user.resellerId ?? '', resellerId: user.resellerId };
  return { type: 'customer', id: user.customerId ?? '', resellerId: user.resellerId };
}
