// The format and hashing of the registry's two secrets (DESIGN.md §7, issue 14 item 1), the same
// scheme as the reseller service's API keys: `<prefix><lookupId>_<secret>`, where the lookup id is
// public (it finds the row) and the secret carries the randomness. Only the lookup id, the last 4
// characters and HMAC-SHA256(pepper, whole token) are stored; the token is shown once.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A runner's own credential, sent on every runner call (the gateway verifies it like an API key). */
export const RUNNER_TOKEN_PREFIX = 'rf_rt_';
/** What a runner registers with (POST /v1/runners). */
export const REGISTRATION_TOKEN_PREFIX = 'rf_rg_';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const LOOKUP_ID_LENGTH = 12;
/** 43 base62 characters ≈ 256 bits, well past the 128 bits DESIGN.md §7 asks for */
export const SECRET_LENGTH = 43;

/** Uniform random base62: bytes ≥ 248 are dropped so `byte % 62` does not favour the first characters. */
function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

export interface GeneratedToken {
  /** shown to the caller once, never stored */
  raw: string;
  lookupId: string;
  last4: string;
}

export function generateToken(prefix: string): GeneratedToken {
  const lookupId = randomBase62(LOOKUP_ID_LENGTH);
  const secret = randomBase62(SECRET_LENGTH);
  return { raw: `${prefix}${lookupId}_${secret}`, lookupId, last4: secret.slice(-4) };
}

const patterns = new Map<string, RegExp>();

/** The lookup id of a well-formed token of this kind, or null: anything else never reaches the database. */
export function lookupIdOf(prefix: string, raw: string): string | null {
  let pattern = patterns.get(prefix);
  if (!pattern) {
    pattern = new RegExp(`^${prefix}([0-9A-Za-z]{${LOOKUP_ID_LENGTH}})_([0-9A-Za-z]{${SECRET_LENGTH}})$`);
    patterns.set(prefix, pattern);
  }
  const match = pattern.exec(raw);
  return match ? (match[1] ?? null) : null;
}

/** Hex HMAC-SHA256 of the whole token (so the hash also binds the lookup id) under the server-side pepper. */
export function hashToken(pepper: string, raw: string): string {
  return createHmac('sha256', pepper).update(raw).digest('hex');
}

/** Constant-time: compares the HMACs, never the tokens. */
export function tokenMatchesHash(pepper: string, raw: string, storedHashHex: string): boolean {
  const given = Buffer.from(hashToken(pepper, raw), 'hex');
  const stored = Buffer.from(storedHashHex, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

// Verifying a malformed or unknown token still computes one HMAC, so the response time does not
// tell a caller whether a lookup id exists.
export const DUMMY_HASH = '0'.repeat(64);
