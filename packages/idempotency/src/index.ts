// Idempotent creates in the owning service (issue 13 item 2; see README.md): createOnce, the key
// header, the request fingerprint and retention.
export * from './create-once';
export * from './idempotency-key-header';
export * from './idempotency-retention';
