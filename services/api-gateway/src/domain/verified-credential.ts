// What a credential's issuer says about it (the verify endpoints' 200 body) and what the gateway
// keeps of it: the principal to sign, its IP allow-list, its own rate limit and its expiry.
import { z } from 'zod';

export const verifiedCredentialSchema = z.object({
  keyId: z.string().min(1),
  principal: z.object({
    // 'service' is for Runfleet's own internal calls: no client credential may ever carry it.
    type: z.enum(['admin', 'reseller', 'customer', 'runner']),
    id: z.string().min(1),
    resellerId: z.string().min(1).nullable(),
    scopes: z.array(z.string()),
    /** the signed-in person and their session: only a session's principal carries them (issue 19) */
    userId: z.string().min(1).optional(),
    sessionId: z.string().min(1).optional(),
  }),
  /** addresses or CIDRs; empty = any */
  allowedIps: z.array(z.string()).default([]),
  rateLimit: z.object({ requestsPerMinute: z.number().int().positive() }).nullable().default(null),
  expiresAt: z.string().nullable().default(null),
});
export type VerifiedCredential = z.infer<typeof verifiedCredentialSchema>;

/** Milliseconds until the credential expires (Infinity when it does not). */
export function msUntilExpiry(credential: VerifiedCredential, now = Date.now()): number {
  if (credential.expiresAt === null) return Number.POSITIVE_INFINITY;
  const at = Date.parse(credential.expiresAt);
  return Number.isNaN(at) ? 0 : at - now;
}
