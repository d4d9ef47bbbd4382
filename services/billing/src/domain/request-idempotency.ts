// The Idempotency-Key of a money-moving request as billing's use cases take it: the caller's key and
// the fingerprint of what was asked (packages/idempotency's requestFingerprint over the operation
// and its validated input, amounts as decimal strings since JSON has no BigInt).
export interface RequestIdempotency {
  key: string;
  fingerprint: string;
}
