// Who is acting, read from the gateway-signed principal (DESIGN.md §7): the three account kinds of
// the client API, a runner on its own routes, and a runner-to-be holding a registration token.
import { AppError, type Principal } from '@runfleet/service-kit';

export type Actor =
  | { type: 'admin'; id: string }
  | { type: 'reseller'; id: string }
  /** resellerId: the reseller the customer belongs to, null for a direct customer */
  | { type: 'customer'; id: string; resellerId: string | null };

export type ActorType = Actor['type'];

/**
 * The scope the registry puts in the principal of a registration token (verify-tokens.ts): such a
 * principal may only register a runner; its id is the token's, never a runner's.
 */
export const REGISTER_SCOPE = 'runners:register';

/** Runners and services have their own routes; on the client API they are refused outright. */
export function actorOf(principal: Principal): Actor {
  switch (principal.type) {
    case 'admin':
      return { type: 'admin', id: principal.id };
    case 'reseller':
      return { type: 'reseller', id: principal.id };
    case 'customer':
      return { type: 'customer', id: principal.id, resellerId: principal.resellerId };
    default:
      throw AppError.forbidden('AUTH_FORBIDDEN', `A ${principal.type} principal may not call this route.`);
  }
}

/** The runner calling its own routes (`/v1/runners/me/…`); anything else is refused before any read. */
export function runnerIdOf(principal: Principal): string {
  if (principal.type !== 'runner' || principal.scopes.includes(REGISTER_SCOPE)) {
    throw AppError.forbidden('AUTH_FORBIDDEN', 'Only a runner, with its runner token, may call this route.');
  }
  return principal.id;
}

/** The registration token a runner registers with (POST /v1/runners). */
export function registrationTokenIdOf(principal: Principal): string {
  if (principal.type !== 'runner' || !principal.scopes.includes(REGISTER_SCOPE)) {
    throw AppError.forbidden('AUTH_FORBIDDEN', 'Registering a runner needs a registration token.');
  }
  return principal.id;
}

/**
 * Refuses the caller by role, before any object is read: a role that may not use a route at all
 * gets 403 whatever the id, so the answer says nothing about which objects exist.
 */
export function requireRole<T extends ActorType>(actor: Actor, ...allowed: T[]): asserts actor is Extract<Actor, { type: T }> {
  if (!(allowed as ActorType[]).includes(actor.type)) {
    throw AppError.forbidden('AUTH_FORBIDDEN', `A ${actor.type} may not do this.`);
  }
}

/** Which customers' objects an actor sees: all (admin), a reseller's customers', or one customer's. */
export type OwnerScope = { all: true } | { resellerId: string } | { customerId: string };

export function ownerScopeOf(actor: Actor): OwnerScope {
  if (actor.type === 'admin') return { all: true };
  if (actor.type === 'reseller') return { resellerId: actor.id };
  return { customerId: actor.id };
}
