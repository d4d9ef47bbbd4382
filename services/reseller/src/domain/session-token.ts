// Session tokens (issue 19): `rf_ss_<lookupId>_<secret>`, the API key format with its own prefix, so
// a session is found by its public lookup id and stored only as HMAC-SHA256(pepper, whole token).
import { hashApiKey, LOOKUP_ID_LENGTH, randomBase62, SECRET_LENGTH } from './api-key-format';

export const SESSION_PREFIX = 'rf_ss_';
const SESSION_PATTERN = new RegExp(`^${SESSION_PREFIX}([0-9A-Za-z]{${LOOKUP_ID_LENGTH}})_([0-9A-Za-z]{${SECRET_LENGTH}})$`);

export interface GeneratedSessionToken {
  /** handed to the gateway once (it becomes the rf_session cookie), never stored */
  raw: string;
  lookupId: string;
}

export function generateSessionToken(): GeneratedSessionToken {
  const lookupId = randomBase62(LOOKUP_ID_LENGTH);
  return { raw: `${SESSION_PREFIX}${lookupId}_${randomBase62(SECRET_LENGTH)}`, lookupId };
}

/** The lookup id of a well-formed session token, or null. */
export function sessionLookupIdOf(raw: string): string | null {
  const match = SESSION_PATTERN.exec(raw);
  return match ? (match[1] ?? null) : null;
}

/** Same HMAC as API keys (api-key-format.ts): it binds the lookup id and the secret. */
export const hashSessionToken = hashApiKey;
