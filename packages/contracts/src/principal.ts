// Who is calling: attached by the gateway to every forwarded request, signed (DESIGN.md §7).
import { z } from 'zod';

/**
 * `service` is not a client: it is one Runfleet service calling another's `/internal/*` route
 * (the gateway asking the reseller service to verify an API key); its `id` is the calling service.
 * Client routes never accept it and the gateway never forwards `/internal/*` from outside.
 */
export const PRINCIPAL_TYPES = ['admin', 'reseller', 'customer', 'runner', 'service'] as const;
export const principalTypeSchema = z.enum(PRINCIPAL_TYPES);
export type PrincipalType = z.infer<typeof principalTypeSchema>;

export const principalSchema = z.object({
  type: principalTypeSchema,
  /** id of the admin key owner, reseller, customer or runner */
  id: z.string().min(1),
  /** the reseller a customer belongs to (or the reseller itself); null for direct customers, admins, runners */
  resellerId: z.string().min(1).nullable(),
  scopes: z.array(z.string()),
  /** the signed-in person (app_user id): only a session principal carries it (issue 19) */
  userId: z.string().min(1).optional(),
  /** the session the request came with: only a session principal carries it (issue 19) */
  sessionId: z.string().min(1).optional(),
  /** expiry of this signed principal, unix seconds */
  exp: z.number().int().positive(),
});
export type Principal = z.infer<typeof principalSchema>;

/** The header that carries the signed principal from the gateway to a service. */
export const PRINCIPAL_HEADER = 'x-runfleet-principal';
export const CORRELATION_HEADER = 'x-correlation-id';
