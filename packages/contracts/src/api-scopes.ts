// API key scopes (DESIGN.md §2 "scopes (enforced at the gateway)"; issue 12 defect 3): the scope
// set, and the one table of which scope each public operation requires. The services' route
// declarations (service-kit openapi.ts) read it to document each operation and refuse to mount a
// /v1 route it lacks; the gateway reads it to enforce, refusing an operation it lacks (fail closed).
// Scopes narrow a key within its role; they never widen it (the services still check the role).

/** `<resource>:read` / `<resource>:write`; a resource's write scope also grants its read scope. */
export const API_SCOPES = [
  'account:read',
  // a person's own account (issue 19): sign-up, sign-in, password, TOTP, sessions
  'account:write',
  // people (app users) of an admin or reseller, and a reseller's referral codes (issue 19)
  'users:read',
  'users:write',
  'referral-codes:read',
  'referral-codes:write',
  'resellers:read',
  'resellers:write',
  'customers:read',
  'customers:write',
  'projects:read',
  'projects:write',
  'api-keys:read',
  'api-keys:write',
  'catalog:read',
  'catalog:write',
  'relationships:read',
  'relationships:write',
  'marketplace:read',
  'orders:read',
  'orders:write',
  'audit-events:read',
  'wallets:read',
  'wallets:write',
  'holds:read',
  // no operation needs it yet (holds are placed by the job saga); kept so keys minted with it stay valid
  'holds:write',
  'price-lists:read',
  'price-lists:write',
  'jobs:read',
  'jobs:write',
  'runners:read',
  'runners:write',
  // POST /v1/runners only: the one scope a registration token's principal carries (runner-registry
  // verify-tokens.ts), so the gateway keeps such a token off every other operation. No API key role
  // may register a runner (the registry's own check), so on a key it grants nothing.
  'runners:register',
  'registration-tokens:read',
  'registration-tokens:write',
  'commissions:read',
  'commissions:write',
  // payouts and payout methods
  'payouts:read',
  'payouts:write',
  'invoices:read',
  'invoices:write',
  // notifications: signed webhooks, the in-app feed, email preferences (issue 17)
  'webhooks:read',
  'webhooks:write',
  'feed:read',
  'feed:write',
  'notification-preferences:read',
  'notification-preferences:write',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/**
 * The scope each public operation requires, by `METHOD /path` in OpenAPI path syntax. Every
 * operation a service publishes must be listed here (its route will not mount otherwise).
 */
export const OPERATION_SCOPES: Readonly<Record<string, ApiScope>> = {
  'GET /v1/me': 'account:read',

  // accounts and sessions (issue 19). signup, login, email-verification and both password-reset
  // operations carry no credential: the gateway forwards them as unauthenticated routes
  // (PUBLIC_ROUTES) and the scope here only documents them. The others need a session.
  'POST /v1/auth/signup': 'account:write',
  'POST /v1/auth/login': 'account:write',
  'POST /v1/auth/email-verification': 'account:write',
  'POST /v1/auth/password-reset': 'account:write',
  'POST /v1/auth/password-reset/confirm': 'account:write',
  'GET /v1/auth/me': 'account:read',
  'DELETE /v1/auth/session': 'account:write',
  'POST /v1/auth/password': 'account:write',
  'POST /v1/auth/totp': 'account:write',
  'POST /v1/auth/totp/confirm': 'account:write',
  'DELETE /v1/auth/totp': 'account:write',
  'POST /v1/users': 'users:write',
  'GET /v1/users': 'users:read',
  'POST /v1/resellers/me/referral-codes': 'referral-codes:write',
  'GET /v1/resellers/me/referral-codes': 'referral-codes:read',
  'GET /v1/resellers/me/referral-codes/{codeId}/signups': 'referral-codes:read',

  'POST /v1/resellers': 'resellers:write',
  'GET /v1/resellers': 'resellers:read',
  'GET /v1/resellers/{resellerId}': 'resellers:read',
  'PATCH /v1/resellers/{resellerId}': 'resellers:write',
  'GET /v1/resellers/{resellerId}/tier': 'resellers:read',

  'POST /v1/customers': 'customers:write',
  'GET /v1/customers': 'customers:read',
  'GET /v1/customers/{customerId}': 'customers:read',
  'PATCH /v1/customers/{customerId}': 'customers:write',

  'POST /v1/projects': 'projects:write',
  'GET /v1/projects': 'projects:read',
  'GET /v1/projects/{projectId}': 'projects:read',
  'PATCH /v1/projects/{projectId}': 'projects:write',
  'POST /v1/projects/{projectId}/archive': 'projects:write',

  'POST /v1/api-keys': 'api-keys:write',
  'GET /v1/api-keys': 'api-keys:read',
  'GET /v1/api-keys/{keyId}': 'api-keys:read',
  'POST /v1/api-keys/{keyId}/revoke': 'api-keys:write',
  'POST /v1/api-keys/{keyId}/rotate': 'api-keys:write',

  'POST /v1/providers': 'catalog:write',
  'GET /v1/providers': 'catalog:read',
  'GET /v1/providers/{providerId}': 'catalog:read',
  'PATCH /v1/providers/{providerId}': 'catalog:write',
  'DELETE /v1/providers/{providerId}': 'catalog:write',
  'POST /v1/providers/{providerId}/offerings': 'catalog:write',
  'GET /v1/providers/{providerId}/offerings': 'catalog:read',
  'GET /v1/offerings/{offeringId}': 'catalog:read',
  'PATCH /v1/offerings/{offeringId}': 'catalog:write',
  'DELETE /v1/offerings/{offeringId}': 'catalog:write',

  'POST /v1/relationships': 'relationships:write',
  'GET /v1/relationships': 'relationships:read',
  'GET /v1/relationships/{relationshipId}': 'relationships:read',
  'PATCH /v1/relationships/{relationshipId}': 'relationships:write',
  'DELETE /v1/relationships/{relationshipId}': 'relationships:write',

  'GET /v1/marketplace/offerings': 'marketplace:read',

  'POST /v1/orders': 'orders:write',
  'GET /v1/orders': 'orders:read',
  'GET /v1/orders/{orderId}': 'orders:read',
  'POST /v1/orders/{orderId}/fulfil': 'orders:write',
  'POST /v1/orders/{orderId}/fail': 'orders:write',
  'POST /v1/orders/{orderId}/cancel': 'orders:write',

  'GET /v1/audit-events': 'audit-events:read',

  // billing (issue 15): the payment provider's POST /v1/payments/webhook carries no key and is not
  // an operation of this table — the gateway forwards it as an unauthenticated route
  // (services/api-gateway routing-table.ts PUBLIC_ROUTES; docs/api.md "Payment provider webhook").
  'GET /v1/wallets': 'wallets:read',
  'GET /v1/wallets/{walletId}': 'wallets:read',
  'PATCH /v1/wallets/{walletId}': 'wallets:write',
  'GET /v1/wallets/{walletId}/transactions': 'wallets:read',
  'POST /v1/wallets/{walletId}/credits': 'wallets:write',
  'POST /v1/wallets/{walletId}/refunds': 'wallets:write',
  'GET /v1/holds': 'holds:read',
  'GET /v1/holds/{holdId}': 'holds:read',
  'GET /v1/price-lists': 'price-lists:read',
  'POST /v1/price-lists': 'price-lists:write',
  'GET /v1/price-lists/{jobType}/versions': 'price-lists:read',
  'DELETE /v1/price-lists/{jobType}': 'price-lists:write',
  // invoices (issue 16 item 2): customers' usage statements and resellers' commission invoices
  'GET /v1/invoices': 'invoices:read',
  'GET /v1/invoices/{invoiceId}': 'invoices:read',
  'GET /v1/invoices/{invoiceId}.pdf': 'invoices:read',
  'POST /v1/invoices': 'invoices:write',
  'POST /v1/invoices/{invoiceId}/issue': 'invoices:write',
  'POST /v1/invoices/{invoiceId}/pay': 'invoices:write',
  'POST /v1/invoices/{invoiceId}/void': 'invoices:write',

  // billing: commissions, payouts and the earnings summary (issue 16). The earnings paths sit under
  // /v1/resellers but are billing's: the gateway routes /v1/resellers/*/earnings there.
  'GET /v1/commissions': 'commissions:read',
  'GET /v1/commissions/{commissionId}': 'commissions:read',
  'POST /v1/commissions/{commissionId}/approve': 'commissions:write',
  'GET /v1/resellers/me/earnings': 'commissions:read',
  'GET /v1/resellers/{resellerId}/earnings': 'commissions:read',
  'GET /v1/payout-methods': 'payouts:read',
  'POST /v1/payout-methods': 'payouts:write',
  'GET /v1/payout-methods/{methodId}': 'payouts:read',
  'GET /v1/payouts': 'payouts:read',
  'POST /v1/payouts': 'payouts:write',
  'GET /v1/payouts/{payoutId}': 'payouts:read',
  'POST /v1/payouts/{payoutId}/process': 'payouts:write',
  'POST /v1/payouts/{payoutId}/complete': 'payouts:write',
  'POST /v1/payouts/{payoutId}/fail': 'payouts:write',

  // runner-registry (issue 14). Runner tokens carry no scopes (every scope of the runner role), so
  // the gateway passes them; the registry lets a runner principal reach only /v1/runners/me/….
  'POST /v1/registration-tokens': 'registration-tokens:write',
  'GET /v1/registration-tokens': 'registration-tokens:read',
  'GET /v1/registration-tokens/{tokenId}': 'registration-tokens:read',
  'POST /v1/registration-tokens/{tokenId}/revoke': 'registration-tokens:write',

  'POST /v1/runners': 'runners:register',
  'GET /v1/runners': 'runners:read',
  'GET /v1/runners/{runnerId}': 'runners:read',
  'PATCH /v1/runners/{runnerId}': 'runners:write',
  'DELETE /v1/runners/{runnerId}': 'runners:write',
  'POST /v1/runners/{runnerId}/drain': 'runners:write',
  'POST /v1/runners/{runnerId}/activate': 'runners:write',
  'POST /v1/runners/{runnerId}/disable': 'runners:write',

  'GET /v1/runners/me': 'runners:read',
  'POST /v1/runners/me/heartbeat': 'runners:write',
  'POST /v1/runners/me/jobs/claim': 'jobs:write',
  'GET /v1/runners/me/jobs/{jobId}': 'jobs:read',
  'POST /v1/runners/me/jobs/{jobId}/start': 'jobs:write',
  'POST /v1/runners/me/jobs/{jobId}/progress': 'jobs:write',
  'POST /v1/runners/me/jobs/{jobId}/complete': 'jobs:write',
  'POST /v1/runners/me/jobs/{jobId}/fail': 'jobs:write',

  'POST /v1/jobs': 'jobs:write',
  'GET /v1/jobs': 'jobs:read',
  'GET /v1/jobs/{jobId}': 'jobs:read',
  'POST /v1/jobs/{jobId}/cancel': 'jobs:write',
  // notifications (issue 17): an account's own in-app feed and email preferences
  'GET /v1/feed': 'feed:read',
  'GET /v1/feed/stream': 'feed:read',
  'POST /v1/feed/read-all': 'feed:write',
  'POST /v1/feed/{itemId}/read': 'feed:write',
  'GET /v1/notification-preferences': 'notification-preferences:read',
  'PUT /v1/notification-preferences': 'notification-preferences:write',

  // notifications: signed webhooks (issue 17)
  'POST /v1/webhook-endpoints': 'webhooks:write',
  'GET /v1/webhook-endpoints': 'webhooks:read',
  'GET /v1/webhook-endpoints/{endpointId}': 'webhooks:read',
  'PATCH /v1/webhook-endpoints/{endpointId}': 'webhooks:write',
  'DELETE /v1/webhook-endpoints/{endpointId}': 'webhooks:write',
  'POST /v1/webhook-endpoints/{endpointId}/rotate-secret': 'webhooks:write',
  'POST /v1/webhook-endpoints/{endpointId}/test': 'webhooks:write',
  'GET /v1/webhook-deliveries': 'webhooks:read',
  'GET /v1/webhook-deliveries/{deliveryId}': 'webhooks:read',
  'POST /v1/webhook-deliveries/{deliveryId}/replay': 'webhooks:write',
  'POST /v1/webhook-deliveries/replay': 'webhooks:write',

  // the gateway's own fan-out views (issue 18 item 6), served by the gateway itself and routed there
  // before the /v1/customers and /v1/resellers prefixes. Each section of a view also needs the scope
  // of the operation it reads (the gateway checks it per section): a view never shows more than
  // the key could read one operation at a time.
  'GET /v1/customers/{customerId}/overview': 'customers:read',
  'GET /v1/resellers/me/dashboard': 'resellers:read',
};

/**
 * Path prefixes of services that publish no operations yet, scoped by method until they do (GET and
 * HEAD read, anything else writes). A service's operations go into OPERATION_SCOPES when it is
 * built, and its prefix leaves this list: an operation under a prefix neither table covers is refused.
 */
export const PROVISIONAL_RESOURCE_SCOPES: Readonly<Record<string, { read: ApiScope; write: ApiScope }>> = {
};

export function isApiScope(value: string): value is ApiScope {
  return (API_SCOPES as readonly string[]).includes(value);
}

/**
 * Whether a key's scopes grant `required`. A key without scopes (every key minted before scopes
 * were enforced, and any key created without them by an unscoped caller) holds every scope of its
 * role; `<resource>:write` also grants `<resource>:read`.
 */
export function scopesGrant(keyScopes: readonly string[], required: ApiScope): boolean {
  if (keyScopes.length === 0) return true;
  if (keyScopes.includes(required)) return true;
  return required.endsWith(':read') && keyScopes.includes(`${required.slice(0, -':read'.length)}:write`);
}

/** The scopes of `wanted` that `held` does not grant (empty `wanted` means every scope). */
export function scopesBeyond(held: readonly string[], wanted: readonly string[]): string[] {
  if (held.length === 0) return [];
  const asked = wanted.length === 0 ? [...API_SCOPES] : wanted;
  return asked.filter((scope) => !isApiScope(scope) || !scopesGrant(held, scope));
}

/**
 * Whether a concrete path segment matches a template segment: a literal exactly, `{param}` any
 * segment, `{param}.pdf` (a parameter with a literal suffix) a segment ending in that suffix.
 */
function segmentMatches(template: string, segment: string | undefined): boolean {
  if (!template.startsWith('{')) return template === segment;
  const suffix = template.slice(template.indexOf('}') + 1);
  return segment !== undefined && segment.length > suffix.length && segment.endsWith(suffix);
}

/** Compiled once, by `METHOD segment-count`; literal segments win over parameters. */
const COMPILED = new Map<string, { segments: string[]; scope: ApiScope }[]>();
for (const [operation, scope] of Object.entries(OPERATION_SCOPES)) {
  const [method, path] = operation.split(' ') as [string, string];
  const segments = path.split('/').filter(Boolean);
  const bucket = `${method} ${segments.length}`;
  COMPILED.set(bucket, [...(COMPILED.get(bucket) ?? []), { segments, scope }]);
}
// a parameter with a suffix (`{id}.pdf`) is more literal than a bare one
const literalsOf = (segments: string[]) => segments.reduce((n, s) => n + (!s.startsWith('{') ? 2 : s.endsWith('}') ? 0 : 1), 0);
for (const entries of COMPILED.values()) entries.sort((a, b) => literalsOf(b.segments) - literalsOf(a.segments));

const PROVISIONAL = Object.entries(PROVISIONAL_RESOURCE_SCOPES).map(([prefix, scopes]) => ({ segments: prefix.split('/').filter(Boolean), scopes }));

/** The scope `METHOD path` (a concrete path, no query string) requires, or undefined: undeclared, refuse it. */
export function requiredScopeOf(method: string, path: string): ApiScope | undefined {
  const upper = method.toUpperCase();
  const segments = path.split('/').filter(Boolean);
  const candidates = COMPILED.get(`${upper === 'HEAD' ? 'GET' : upper} ${segments.length}`) ?? [];
  for (const op of candidates) {
    if (op.segments.every((s, i) => segmentMatches(s, segments[i]))) return op.scope;
  }
  for (const entry of PROVISIONAL) {
    if (entry.segments.every((s, i) => s === segments[i])) return upper === 'GET' || upper === 'HEAD' ? entry.scopes.read : entry.scopes.write;
  }
  return undefined;
}
