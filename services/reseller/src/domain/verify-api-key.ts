// Key verification for the gateway (issue 4; the gateway's hot path): a raw key in, the principal
// it stands for out. Every reason a key does not work gives the same error, so a caller cannot tell
// an unknown key from a revoked one or a deactivated owner's.
import { AppError } from '@runfleet/service-kit';
import { findKeyForVerification, touchLastUsed, type KeyOwnerType } from '../data/api-key.repository';
import { hashApiKey, keyMatchesHash, lookupIdOf } from './api-key-format';
import type { VerifyDeps } from './use-case-deps';

export interface VerifiedApiKey {
  keyId: string;
  principal: { type: KeyOwnerType; id: string; resellerId: string | null; scopes: string[] };
  /** IPs / CIDRs the gateway accepts the key from; empty: any */
  allowedIps: string[];
  rateLimit: { requestsPerMinute: number } | null;
  expiresAt: string | null;
}

export const invalidKey = () => AppError.unauthorized('AUTH_KEY_INVALID', 'The API key is not valid.');

/** last_used_at is written at most this often per key, so verification is not a write per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;
// Bounds the in-process throttle map; past it, entries older than the resolution are dropped.
const MAX_TRACKED_KEYS = 10_000;

/**
 * Remembers, per process, when each key's last_used_at was last written. The SQL condition in
 * touchLastUsed already bounds writes across replicas; this map spares even the statement.
 */
export class LastUsedRecorder {
  private readonly touched = new Map<string, number>();

  constructor(private readonly onError: (err: unknown) => void = () => undefined) {}

  record(deps: Pick<VerifyDeps, 'pool'>, keyId: string, now: Date): void {
    const at = now.getTime();
    const last = this.touched.get(keyId);
    if (last !== undefined && at - last < LAST_USED_RESOLUTION_MS) return;
    if (this.touched.size >= MAX_TRACKED_KEYS) this.forgetBefore(at - LAST_USED_RESOLUTION_MS);
    this.touched.set(keyId, at);
    // Not awaited: the last-used time is informational and must not slow or fail verification.
    touchLastUsed(deps.pool, keyId, now, LAST_USED_RESOLUTION_MS).catch((err: unknown) => {
      this.touched.delete(keyId);
      this.onError(err);
    });
  }

  private forgetBefore(cutoff: number): void {
    for (const [keyId, at] of this.touched) if (at < cutoff) this.touched.delete(keyId);
  }
}

// Verifying a malformed or unknown key still computes one HMAC, so the response time does not
// tell a caller whether a lookup id exists.
const DUMMY_HASH = '0'.repeat(64);

export async function verifyApiKey(deps: VerifyDeps, recorder: LastUsedRecorder, rawKey: string): Promise<VerifiedApiKey> {
  const lookupId = lookupIdOf(rawKey);
  if (lookupId === null) {
    hashApiKey(deps.apiKeyPepper, rawKey);
    throw invalidKey();
  }
  const key = await findKeyForVerification(deps.pool, lookupId);
  const matches = keyMatchesHash(deps.apiKeyPepper, rawKey, key?.secretHash ?? DUMMY_HASH);
  const now = deps.now();
  if (
    !key ||
    !matches ||
    key.revokedAt !== null ||
    (key.expiresAt !== null && key.expiresAt <= now) ||
    !key.ownerActive
  ) {
    throw invalidKey();
  }
  recorder.record(deps, key.id, now);
  return {
    keyId: key.id,
    principal: {
      type: key.ownerType,
      id: key.ownerId,
      // a reseller's principal carries its own id as resellerId (contracts' principal.ts)
      resellerId: key.ownerType === 'admin' ? null : key.resellerId,
      scopes: key.scopes,
    },
    allowedIps: key.allowedIps,
    rateLimit: key.rateLimitPerMinute === null ? null : { requestsPerMinute: key.rateLimitPerMinute },
    expiresAt: key.expiresAt?.toISOString() ?? null,
  };
}
