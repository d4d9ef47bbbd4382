// The API key format and its hashing (DESIGN.md §7, issue 4): `rf_sk_<lookupId>_<secret>`, where the
// lookup id is public (it finds the row) and the secret carries the randomness. Only the lookup id,
// the last 4 characters and HMAC-SHA256(pepper, whole key) are stored; the key is shown once.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const KEY_PREFIX = 'rf_sk_';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const LOOKUP_ID_LENGTH = 12;
/** 43 base62 characters ≈ 256 bits, well past the 128 bits DESIGN.md §7 asks for */
export const SECRET_LENGTH = 43;
const KEY_PATTERN = new RegExp(`^${KEY_PREFIX}([0-9A-Za-z]{${LOOKUP_ID_LENGTH}})_([0-9A-Za-z]{${SECRET_LENGTH}})$`);

/**
 * Uniform random base62 text. Hand-written because it is six lines: bytes ≥ 248 are dropped so
 * `byte % 62` does not favour the first characters (248 = 4 × 62).
 */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

export interface GeneratedKey {
  /** shown to the caller once, never stored */
  raw: string;
  lookupId: string;
  last4: string;
}

export function generateApiKey(): GeneratedKey {
  const lookupId = randomBase62(LOOKUP_ID_LENGTH);
  const secret = randomBase62(SECRET_LENGTH);
  return { raw: `${KEY_PREFIX}${lookupId}_${secret}`, lookupId, last4: secret.slice(-4) };
}

/** The lookup id of a well-formed key, or null: anything else is rejected before touching the database. */
export function lookupIdOf(raw: string): string | null {
  const match = KEY_PATTERN.exec(raw);
  return match ? (match[1] ?? null) : null;
}

/** The public part shown in lists and events: `rf_sk_<lookupId>`. */
export const displayPrefix = (lookupId: string): string => `${KEY_PREFIX}${lookupId}`;

/** Hex HMAC-SHA256 of the whole key (so the hash also binds the lookup id) under the server-side pepper. */
export function hashApiKey(pepper: string, raw: string): string {
  return createHmac('sha256', pepper).update(raw).digest('hex');
}

/** Constant-time: compares the HMACs, never the keys, so timing says nothing about the secret. */
export function keyMatchesHash(pepper: string, raw: string, storedHashHex: string): boolean {
  const given = Buffer.from(hashApiKey(pepper, raw), 'hex');
  const stored = Buffer.from(storedHashHex, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
