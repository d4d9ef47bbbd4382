// Which service vouches for which credential (issue 5 item 1), in one place: a token's prefix names
// its kind, and each kind is verified by the service that issued it. Clients send their keys and
// tokens as `Authorization: Bearer`; a person's browser sends its session in the `rf_session`
// cookie (issue 19), and a token is accepted only the way its kind is carried.
import type { UpstreamName } from '../http/routing-table';

export interface CredentialKind {
  /** e.g. 'api-key'; also the label of the cache entry */
  name: string;
  prefix: string;
  /** the issuing service and its gateway-only verification endpoint (POST {key}) */
  upstream: UpstreamName;
  verifyPath: string;
  /** how a client presents it: an Authorization header, or the browser's session cookie */
  carrier: CredentialCarrier;
}

export type CredentialCarrier = 'bearer' | 'cookie';

export const CREDENTIAL_KINDS: readonly CredentialKind[] = [
  // `rf_sk_<lookupId>_<secret>`, issued by the reseller service (issue 4)
  { name: 'api-key', prefix: 'rf_sk_', upstream: 'reseller', verifyPath: '/internal/api-keys/verify', carrier: 'bearer' },
  // `rf_rt_…`, issued to runners at registration by runner-registry
  { name: 'runner-token', prefix: 'rf_rt_', upstream: 'runner-registry', verifyPath: '/internal/runner-tokens/verify', carrier: 'bearer' },
  // `rf_rg_…`, what a runner registers with (POST /v1/runners); runner-registry answers a runner
  // principal good for registration only (issue 14 item 1)
  { name: 'registration-token', prefix: 'rf_rg_', upstream: 'runner-registry', verifyPath: '/internal/registration-tokens/verify', carrier: 'bearer' },
  // `rf_ss_<lookupId>_<secret>`, a person's session, issued by the reseller service at sign-in and
  // kept by the browser in the HttpOnly `rf_session` cookie, never as a bearer token (issue 19)
  { name: 'session', prefix: 'rf_ss_', upstream: 'reseller', verifyPath: '/internal/sessions/verify', carrier: 'cookie' },
];

// After the prefix: URL-safe characters only, long enough to hold ≥ 128 random bits (DESIGN.md §7),
// short enough that nobody can make the gateway hash megabytes.
const BODY = /^[A-Za-z0-9_-]{22,200}$/;

/**
 * The kind of a token presented by `carrier`, or undefined when it cannot be a Runfleet credential
 * carried that way (→ 401, no upstream call): a session is not a bearer token, nor an API key a cookie.
 */
export function credentialKindOf(token: string, carrier: CredentialCarrier = 'bearer'): CredentialKind | undefined {
  const kind = CREDENTIAL_KINDS.find((k) => token.startsWith(k.prefix));
  return kind && kind.carrier === carrier && BODY.test(token.slice(kind.prefix.length)) ? kind : undefined;
}

/** The token from `Authorization: Bearer <token>`, or undefined when the header is missing or not Bearer. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer +([^\s]+) *$/i.exec(header);
  return match?.[1];
}
