// Who is acting on the client API, read from the gateway-signed principal (DESIGN.md §7): the
// three account kinds that may call /v1 routes, and the role checks every use case starts with.
import { AppError, type Principal } from '@runfleet/service-kit';

/** The scopes of the key acting (issue 12 defect 3); absent or empty: every scope of its role. */
interface KeyScopes {
  scopes?: readonly string[];
}

export type Actor =
  | ({ type: 'admin'; id: string } & KeyScopes)
  | ({ type: 'reseller'; id: string } & KeyScopes)
  /** resellerId: the reseller the customer belongs to, null for a direct customer */
  | ({ type: 'customer'; id: string; resellerId: string | null } & KeyScopes);

export type ActorType = Actor['type'];

/** Runners and services have their own routes; on the client API they are refused outright. */
export function actorOf(principal: Principal): Actor {
  switch (principal.type) {
    case 'admin':
      return { type: 'admin', id: principal.id, scopes: principal.scopes };
    case 'reseller':
      return { type: 'reseller', id: principal.id, scopes: principal.scopes };
    case 'customer':
      return { type: 'customer', id: principal.id, resellerId: principal.resellerId, scopes: principal.scopes };
    default:
      throw AppError.forbidden('AUTH_FORBIDDEN', `A ${principal.type} principal may not call this route.`);
  }
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

/** The reseller an actor's records are filed under in the audit log and events (null: admin, direct customer). */
export function resellerIdOf(actor: Actor): string | null {
  if (actor.type === 'reseller') return actor.id;
  if (actor.type === 'customer') return actor.resellerId;
  return null;
}
