// Encryption of the responses kept for Idempotency-Key replays (issue 12 item 4): a stored answer
// can hold a secret shown once — POST /v1/api-keys returns the raw key — and Redis, its dumps and
// its replicas must not hold it readable (DESIGN.md §7). The kit's SealedBox (AES-256-GCM); the
// record's Redis key is the associated data, so a sealed answer moved to another principal's
// record does not open.
import { SealedBox, sealingKey } from '@runfleet/service-kit';

/** The 256-bit key for stored responses, derived (HKDF-SHA256) from a configured secret for this purpose only. */
export function responseKeyFrom(secret: string): Buffer {
  return sealingKey(secret, 'runfleet api-gateway', 'idempotency responses v1');
}

export { SealedBox as ResponseCipher };
