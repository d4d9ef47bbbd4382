// The one table from public path prefix to the service that owns it (DESIGN.md §2, issue 2 item 6).
// Everything under a prefix is forwarded unchanged; paths no entry matches answer 404 at the
// gateway, so /internal/* and anything a service did not publish is unreachable from outside.
// test/component/openapi.test.ts checks this table against the services' own OpenAPI documents.
import type { Config } from '../config';

export const UPSTREAM_NAMES = ['reseller', 'billing', 'runner-registry', 'notifications'] as const;
export type UpstreamName = (typeof UPSTREAM_NAMES)[number];

export interface RouteEntry {
  /** path prefix matched segment by segment; `*` matches exactly one segment */
  prefix: string;
  upstream: UpstreamName;
}

export const ROUTING_TABLE: readonly RouteEntry[] = [
  // reseller service: accounts, keys, catalogue and orders
  { prefix: '/v1/me', upstream: 'reseller' },
  // people's accounts and sessions, and the users admins and resellers invite (issue 19); the
  // unauthenticated sign-up, sign-in, verification and reset operations are PUBLIC_ROUTES below
  { prefix: '/v1/auth', upstream: 'reseller' },
  { prefix: '/v1/users', upstream: 'reseller' },
  { prefix: '/v1/resellers', upstream: 'reseller' },
  { prefix: '/v1/customers', upstream: 'reseller' },
  { prefix: '/v1/projects', upstream: 'reseller' },
  { prefix: '/v1/api-keys', upstream: 'reseller' },
  { prefix: '/v1/providers', upstream: 'reseller' },
  { prefix: '/v1/offerings', upstream: 'reseller' },
  { prefix: '/v1/relationships', upstream: 'reseller' },
  { prefix: '/v1/marketplace', upstream: 'reseller' },
  { prefix: '/v1/orders', upstream: 'reseller' },
  { prefix: '/v1/audit-events', upstream: 'reseller' },
  // runner-registry: runners and jobs
  { prefix: '/v1/registration-tokens', upstream: 'runner-registry' },
  { prefix: '/v1/runners', upstream: 'runner-registry' },
  { prefix: '/v1/jobs', upstream: 'runner-registry' },
  // billing: money
  { prefix: '/v1/wallets', upstream: 'billing' },
  { prefix: '/v1/holds', upstream: 'billing' },
  { prefix: '/v1/price-lists', upstream: 'billing' },
  { prefix: '/v1/commissions', upstream: 'billing' },
  { prefix: '/v1/payouts', upstream: 'billing' },
  { prefix: '/v1/payout-methods', upstream: 'billing' },
  // a reseller's earnings summary is billing's (it owns the money), under the reseller's path:
  // longer than /v1/resellers, so it wins for exactly /v1/resellers/{id|me}/earnings
  { prefix: '/v1/resellers/*/earnings', upstream: 'billing' },
  // usage statements and commission invoices; `/v1/invoices/{id}.pdf` is forwarded like any path
  // below the prefix and its binary body streamed back untouched (proxy.ts)
  { prefix: '/v1/invoices', upstream: 'billing' },
  // notifications
  { prefix: '/v1/webhook-endpoints', upstream: 'notifications' },
  { prefix: '/v1/webhook-deliveries', upstream: 'notifications' },
  { prefix: '/v1/feed', upstream: 'notifications' },
  { prefix: '/v1/notification-preferences', upstream: 'notifications' },
];

/**
 * A route a caller reaches without any credential (issue 15 item 10): matched on exact method and
 * path, never by prefix, so nothing else opens with it. The gateway signs no principal for it and
 * forwards only the headers named here (the body's Content-Type and Content-Length besides): the
 * service trusts nothing but what it verifies itself.
 */
export interface PublicRoute {
  method: string;
  path: string;
  upstream: UpstreamName;
  /** request headers forwarded as the caller sent them, lower-case */
  headers: readonly string[];
  /**
   * whose per-IP budget and body cap apply: the payment provider's (WEBHOOK_*), or the account
   * operations' stricter one (AUTH_PER_IP_PER_MINUTE, AUTH_BODY_LIMIT_BYTES: password guessing)
   */
  budget: 'webhook' | 'account';
  /** sign-in: the service's answer carries a session token, which the gateway turns into the session cookies (session-answers.ts) */
  signsIn?: true;
}

export const PUBLIC_ROUTES: readonly PublicRoute[] = [
  // The payment provider's signed events: billing checks Stripe-Signature over the raw body.
  { method: 'POST', path: '/v1/payments/webhook', upstream: 'billing', headers: ['stripe-signature', 'user-agent'], budget: 'webhook' },
  // A person's account without a session yet (issue 19): sign up, sign in, verify the email
  // address, reset a forgotten password (and accept an invitation, which is the same confirm).
  { method: 'POST', path: '/v1/auth/signup', upstream: 'reseller', headers: ['user-agent'], budget: 'account' },
  { method: 'POST', path: '/v1/auth/login', upstream: 'reseller', headers: ['user-agent'], budget: 'account', signsIn: true },
  { method: 'POST', path: '/v1/auth/email-verification', upstream: 'reseller', headers: ['user-agent'], budget: 'account' },
  { method: 'POST', path: '/v1/auth/password-reset', upstream: 'reseller', headers: ['user-agent'], budget: 'account' },
  { method: 'POST', path: '/v1/auth/password-reset/confirm', upstream: 'reseller', headers: ['user-agent'], budget: 'account' },
];

/** Sign-out (authenticated): after the service ends the session, the gateway clears its cookies. */
export const SIGN_OUT_ROUTE = { method: 'DELETE', path: '/v1/auth/session' } as const;

const publicRoutes = new Map(PUBLIC_ROUTES.map((route) => [`${route.method} ${route.path}`, route]));

/** The unauthenticated route `method path` is (exact match, no query string), or undefined: authenticate. */
export function publicRouteFor(method: string | undefined, path: string): PublicRoute | undefined {
  return publicRoutes.get(`${method ?? 'GET'} ${path}`);
}

/**
 * A route whose service holds the request open on purpose until something happens or its wait
 * runs out (a runner's claim long-polls up to the registry's CLAIM_MAX_WAIT_SECONDS). Matched on
 * exact method and path. The gateway waits for its answer that long plus the usual upstream
 * timeout, and a long poll that still times out does not count against the service's circuit
 * breaker (upstreams.ts): one route's wait must not shut the rest of the service off.
 */
export interface LongPollRoute {
  method: string;
  path: string;
  upstream: UpstreamName;
  /** the configuration setting that holds the service's longest wait */
  maxWait: 'CLAIM_MAX_WAIT_SECONDS';
}

export const LONG_POLL_ROUTES: readonly LongPollRoute[] = [
  { method: 'POST', path: '/v1/runners/me/jobs/claim', upstream: 'runner-registry', maxWait: 'CLAIM_MAX_WAIT_SECONDS' },
];

const longPollRoutes = new Map(LONG_POLL_ROUTES.map((route) => [`${route.method} ${route.path}`, route]));

/** The long-poll route `method path` is (exact match, no query string), or undefined: the usual timeout. */
export function longPollFor(method: string | undefined, path: string): LongPollRoute | undefined {
  return longPollRoutes.get(`${method ?? 'GET'} ${path}`);
}

/** How long the gateway waits for a long poll's answer: the service's longest wait, then the usual timeout. */
export function longPollTimeoutMs(route: LongPollRoute, config: Pick<Config, 'CLAIM_MAX_WAIT_SECONDS' | 'UPSTREAM_TIMEOUT_MS'>): number {
  return config[route.maxWait] * 1000 + config.UPSTREAM_TIMEOUT_MS;
}

/**
 * The views the gateway serves itself by reading several services (issue 18 item 6; fan-out.ts):
 * matched on exact method and path before the table above, so they win over the /v1/customers and
 * /v1/resellers prefixes. `path` is the OpenAPI template; a `{parameter}` is one segment.
 */
export type ViewName = 'customer-overview' | 'reseller-dashboard';

export interface ViewRoute {
  method: 'GET';
  path: string;
  view: ViewName;
}

export const VIEW_ROUTES: readonly ViewRoute[] = [
  { method: 'GET', path: '/v1/customers/{customerId}/overview', view: 'customer-overview' },
  { method: 'GET', path: '/v1/resellers/me/dashboard', view: 'reseller-dashboard' },
];

/** Where each upstream's replicas answer, from the gateway's configuration. */
export function upstreamOrigins(config: Pick<Config, 'RESELLER_URL' | 'BILLING_URL' | 'RUNNER_REGISTRY_URL' | 'NOTIFICATIONS_URL'>): Record<UpstreamName, string[]> {
  return {
    reseller: config.RESELLER_URL,
    billing: config.BILLING_URL,
    'runner-registry': config.RUNNER_REGISTRY_URL,
    notifications: config.NOTIFICATIONS_URL,
  };
}

/** Path-prefix patterns compiled once; `*` stands for exactly one segment. */
export class PathPatterns<T> {
  // Longest prefix first, so a more specific entry wins over a shorter one.
  private readonly compiled: { segments: string[]; value: T }[];

  constructor(entries: readonly (readonly [string, T])[]) {
    this.compiled = entries
      .map(([prefix, value]) => ({ segments: prefix.split('/').filter(Boolean), value }))
      .sort((a, b) => b.segments.length - a.segments.length);
  }

  /** The value of the longest pattern that is a segment-wise prefix of `path` (exact when `exact`). */
  match(path: string, exact = false): T | undefined {
    const segments = path.split('/').filter(Boolean);
    for (const entry of this.compiled) {
      if (segments.length < entry.segments.length) continue;
      if (exact && segments.length !== entry.segments.length) continue;
      if (entry.segments.every((s, i) => s === '*' || s === segments[i])) return entry.value;
    }
    return undefined;
  }
}

const table = new PathPatterns(ROUTING_TABLE.map((entry) => [entry.prefix, entry] as const));

/** The table entry that owns `path` (no query string), or undefined: the gateway answers 404. */
export function routeFor(path: string): RouteEntry | undefined {
  return table.match(path);
}

// View routes as patterns (`{parameter}` → `*`), and the literal last segments that can start a match.
const views = {
  patterns: new PathPatterns(VIEW_ROUTES.map((route) => [route.path.replace(/\{[^}]+\}/g, '*'), route] as const)),
  lastSegments: new Set(VIEW_ROUTES.map((route) => route.path.slice(route.path.lastIndexOf('/') + 1))),
};

/** The view `method path` is (a concrete path or an OpenAPI template, no query string), or undefined: forward it. */
export function viewFor(method: string | undefined, path: string): ViewRoute | undefined {
  // The hot path pays one string comparison for a request that is not a view.
  if (method !== 'GET' || !views.lastSegments.has(path.slice(path.lastIndexOf('/') + 1))) return undefined;
  return views.patterns.match(path, true);
}
