// Which service vouches for which credential (issue 5 item 1), in one place: a bearer token's
// prefix names its kind, and each kind is verified by the service that issued it.
import type { UpstreamName } from '../http/routing-table';

export interface CredentialKind {
  /** e.g. 'api-key'; also the label of the cache entry */
  name: string;
  prefix: string;
  /** the issuing service and its gateway-only verification endpoint (POST {key}) */
  upstream: UpstreamName;
  verifyPath: string;
}

export const CREDENTIAL_KINDS: readonly CredentialKind[] = [
  // `rf_sk_<lookupId>_<secret>`, issued by the reseller service (issue 4)
  { name: 'api-key', prefix: 'rf_sk_', upstream: 'reseller', verifyPath: '/internal/api-keys/verify' },
  // `rf_rt_…`, issued to runners at registration by runner-registry
  { name: 'runner-token', prefix: 'rf_rt_', upstream: 'runner-registry', verifyPath: '/internal/runner-tokens/verify' },
  // `rf_rg_…`, what a runner registers with (POST /v1/runners); runner-registry answers a runner
  // principal good for registration only (issue 14 item 1)
  { name: 'registration-token', prefix: 'rf_rg_', upstream: 'runner-registry', verifyPath: '/internal/registration-tokens/verify' },
];

// After the prefix: URL-safe characters only, long enough to hold ≥ 128 random bits (DESIGN.md §7),
// short enough that nobody can make the gateway hash megabytes.
const BODY = /^[A-Za-z0-9_-]{22,200}$/;

/** The kind of a bearer token, or undefined when it cannot be a Runfleet credential (→ 401, no upstream call). */
export function credentialKindOf(token: string): CredentialKind | undefined {
  const kind = CREDENTIAL_KINDS.find((k) => token.startsWith(k.prefix));
  return kind && BODY.test(token.slice(kind.prefix.length)) ? kind : undefined;
}

/** The token from `Authorization: Bearer <token>`, or undefined when the header is missing or not Bearer. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer +([^\s]+) *$/i.exec(header);
  return match?.[1];
}
