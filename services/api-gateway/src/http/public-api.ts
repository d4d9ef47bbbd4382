// The public API's hot path: every /v1 request, on plain node:http rather than express. It does
// what the express chain in front of the gateway's own routes does — correlation and request ids,
// the request metric and access log line, helmet's security headers, CORS when configured,
// problem+json errors — then authenticates, checks the key's scope, rate-limits, applies
// Idempotency-Key and forwards. The few unauthenticated routes (routing-table.ts PUBLIC_ROUTES: the
// payment provider's webhook, a person's sign-up, sign-in, verification and reset) skip
// authentication, scopes and idempotency instead: a per-IP budget, a body cap, the raw body
// forwarded byte for byte with only the headers the route names, no principal. A browser's session
// cookie authenticates a request that has no Authorization header, and then its writes must prove
// they come from the gateway's own pages (csrf.ts); sign-in and sign-out set and clear the cookies
// (session-answers.ts).
// The fan-out views (routing-table.ts VIEW_ROUTES) are authenticated, scoped and rate-limited like
// any request, then answered by the gateway itself (fan-out.ts) instead of forwarded.
//
// Why not express: a bare Node proxy in front of the same service reaches ~86 % of direct
// throughput on the development machine, the gateway on express ~61–70 % (bench/gateway,
// docs/benchmarks.md); express's per-request work (prototype swap, router layers, header-by-header
// middleware) is a share of that gap. Express still serves the gateway's own routes (health,
// metrics, docs), where nothing is hot.
import type { IncomingMessage, ServerResponse } from 'node:http';
import proxyAddr from 'proxy-addr';
import {
  AppError,
  beginRequestContext,
  logError,
  logRequestCompleted,
  runWithContext,
  toProblem,
  writeProblem,
  type Logger,
  type Metrics,
} from '@runfleet/service-kit';
import type { Authenticator } from './auth';
import { assertOwnOrigin, assertSameSiteWrite, ownOriginOf } from './csrf';
import type { FanOut } from './fan-out';
import type { GatewayMetrics } from './gateway-metrics';
import { GatewayError } from './gateway-errors';
import type { Idempotency } from './idempotency';
import type { PrincipalSigner } from './principal-signer';
import { readRequestBody, sendUpstream, streamResponse } from './proxy';
import type { RateLimits } from './rate-limits';
import type { RouteTemplates } from './route-templates';
import { longPollFor, publicRouteFor, routeFor, SIGN_OUT_ROUTE, viewFor, type LongPollRoute, type PublicRoute } from './routing-table';
import { answerSignIn, clearSessionCookies, renewSessionCookies } from './session-answers';
import type { Upstreams } from './upstreams';
import { normalizeIp } from '../domain/ip-allow-list';
import { cookiesSecure, sessionCookiesOf, type CookieSecureSetting } from '../domain/session-cookies';
import type { VerifiedCredential } from '../domain/verified-credential';
import { assertScope } from './scope-check';

/** A connect-style middleware (helmet's, cors's): they only use node's req/res. */
export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** express's compiled 'trust proxy' setting: is the hop at `index` (0 = the socket's peer) a trusted proxy? */
export type TrustProxy = (address: string, index: number) => boolean;

export interface PublicApiOptions {
  logger: Logger;
  metrics: Metrics;
  gatewayMetrics: GatewayMetrics;
  authenticator: Authenticator;
  rateLimits: RateLimits;
  idempotency: Idempotency;
  signer: PrincipalSigner;
  upstreams: Upstreams;
  /** the views the gateway answers itself */
  views: FanOut;
  /** the label of a request in metrics and the access log */
  routeTemplates: RouteTemplates;
  bodyLimitBytes: number;
  /** the body limit of the unauthenticated routes (413 past it) */
  publicBodyLimitBytes: number;
  /** the body limit of the unauthenticated account routes (413 past it) */
  accountBodyLimitBytes: number;
  /** the gateway's origin as browsers see it (PUBLIC_ORIGIN); else the request's protocol and Host */
  publicOrigin?: string;
  /** the session cookies' Secure attribute (COOKIE_SECURE) */
  cookieSecure: CookieSecureSetting;
  /** forgets a credential everywhere the gateway keeps it (a session signed out) */
  dropCredential: (keyId: string) => Promise<void>;
  /** upstream answers past it: 502 (declared) or cut off (unsized) */
  responseLimitBytes: number;
  /** how long the gateway waits for a long poll's answer (routing-table.ts longPollTimeoutMs) */
  longPollTimeoutMs: (route: LongPollRoute) => number;
  trustProxy: TrustProxy;
  /** response headers set on every answer (helmet's, computed once) */
  securityHeaders: readonly (readonly [string, string])[];
  /** CORS, when origins are configured */
  cors?: NodeMiddleware;
}

// Dot segments could walk out of the prefix the routing table matched, on a service that resolves them.
const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;

/**
 * The headers a middleware that only sets fixed headers (helmet) sets, captured once at start-up
 * so the hot path sets them without running it per request.
 */
export function headersSetBy(middleware: NodeMiddleware): [string, string][] {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader(name: string, value: unknown) {
      headers.push([name, String(value)]);
      return recorder;
    },
    removeHeader: () => undefined,
    getHeader: () => undefined,
  };
  let ran = false;
  middleware({ headers: {}, method: 'GET', url: '/' } as IncomingMessage, recorder as unknown as ServerResponse, () => {
    ran = true;
  });
  if (!ran) throw new Error('the middleware did not call next(): its headers cannot be computed once');
  return headers;
}

/** The client's address and protocol, as express computes req.ip and req.protocol under 'trust proxy'. */
function clientOf(req: IncomingMessage, trust: TrustProxy): { ip: string; protocol: string } {
  const ip = normalizeIp(proxyAddr(req, trust));
  const socketProtocol = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  const forwarded = req.headers['x-forwarded-proto'];
  if (typeof forwarded !== 'string' || !trust(req.socket.remoteAddress ?? '', 0)) return { ip, protocol: socketProtocol };
  return { ip, protocol: forwarded.split(',')[0]!.trim() || socketProtocol };
}

export function createPublicApi(options: PublicApiOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { logger, metrics, gatewayMetrics, authenticator, rateLimits, idempotency, signer, upstreams, securityHeaders } = options;

  /**
   * An unauthenticated route: whatever credential came along is ignored (and never forwarded); the
   * service behind it verifies the request itself. The body is read whole under the cap and sent
   * as it came, so a signature over the raw bytes still holds.
   */
  async function forwardPublic(req: IncomingMessage, res: ServerResponse, url: string, route: PublicRoute, client: { ip: string; protocol: string }, seen: { route?: string }): Promise<void> {
    seen.route = route.path;
    // Signing in on another site's page would sign the browser in to an account of that site's choosing.
    if (route.signsIn) assertOwnOrigin(req, ownOriginOf(req, options.publicOrigin, client.protocol));
    await rateLimits.consumePublic(client.ip, res, route.budget);
    const bodyLimitBytes = route.budget === 'account' ? options.accountBodyLimitBytes : options.publicBodyLimitBytes;
    const body = await readRequestBody(req, bodyLimitBytes);
    const response = await sendUpstream(req, res, {
      upstream: upstreams[route.upstream],
      url,
      protocol: client.protocol,
      onlyHeaders: route.headers,
      clientIp: client.ip,
      bodyLimitBytes,
      metrics: gatewayMetrics,
      body,
    });
    if (route.signsIn) {
      const secure = cookiesSecure(options.cookieSecure, client);
      await answerSignIn(res, response, { upstream: route.upstream, responseLimitBytes: options.responseLimitBytes, secure, logger });
      return;
    }
    streamResponse(res, response, logger, route.upstream, options.responseLimitBytes);
  }

  async function forward(req: IncomingMessage, res: ServerResponse, url: string, path: string, seen: { route?: string; principalType?: string }): Promise<void> {
    const client = clientOf(req, options.trustProxy);
    const open = publicRouteFor(req.method, path);
    if (open !== undefined) {
      await forwardPublic(req, res, url, open, client, seen);
      return;
    }
    // A browser's session, when no Authorization header came: its writes must come from this site.
    const cookies = req.headers.authorization ? undefined : sessionCookiesOf(req.headers.cookie);
    if (cookies !== undefined) assertSameSiteWrite(req, cookies, ownOriginOf(req, options.publicOrigin, client.protocol));
    // The common case (a key this process verified moments ago, a budget it knows) takes no
    // promise until the upstream call: each one is a measurable share of the hot path on Node 20,
    // where AsyncLocalStorage runs a hook for every promise.
    let credential: VerifiedCredential;
    try {
      const authenticated = authenticator.authenticate(req, client.ip, cookies);
      credential = authenticated instanceof Promise ? await authenticated : authenticated;
    } catch (err) {
      // A cookie that names no valid session is dropped, so the browser stops sending it (and stops
      // spending its address's failure budget on it).
      if (cookies !== undefined && err instanceof AppError && err.status === 401) clearSessionCookies(res, cookiesSecure(options.cookieSecure, client));
      throw err;
    }
    seen.principalType = credential.principal.type;
    if (cookies !== undefined) renewSessionCookies(res, cookies, credential, cookiesSecure(options.cookieSecure, client));
    const route = routeFor(path);
    if (!route || DOT_SEGMENT.test(path)) throw AppError.notFound('ROUTE_NOT_FOUND', `No route for ${req.method} ${path}.`);
    // The OpenAPI template when the services document one, else the table's prefix: bounded either way.
    seen.route = options.routeTemplates.templateOf(path) ?? route.prefix;
    assertScope(req.method ?? 'GET', path, credential.principal.scopes);
    const limited = rateLimits.consume(credential, res);
    if (limited !== undefined) await limited;
    const view = viewFor(req.method, path);
    if (view !== undefined) {
      await options.views.serve(req, res, view, path, credential, client);
      return;
    }
    const key = idempotency.keyOf(req, path);
    const longPoll = longPollFor(req.method, path);
    const forwardOptions = {
      upstream: upstreams[route.upstream],
      url,
      protocol: client.protocol,
      principalToken: signer.tokenFor(credential),
      clientIp: client.ip,
      bodyLimitBytes: options.bodyLimitBytes,
      metrics: gatewayMetrics,
      longPollTimeoutMs: longPoll === undefined ? undefined : options.longPollTimeoutMs(longPoll),
    };
    if (key !== undefined) {
      await idempotency.handle(req, res, url, key, credential, route.upstream, (body) => sendUpstream(req, res, { ...forwardOptions, body }));
      return;
    }
    const response = await sendUpstream(req, res, forwardOptions);
    if (req.method === SIGN_OUT_ROUTE.method && path === SIGN_OUT_ROUTE.path && response.statusCode >= 200 && response.statusCode < 300) {
      await signedOut(res, credential, cookiesSecure(options.cookieSecure, client));
    }
    streamResponse(res, response, logger, route.upstream, options.responseLimitBytes);
  }

  /**
   * The service ended the session: the browser drops its cookies, and this gateway forgets the session
   * at once (the service's session.revoked reaches the other replicas within a second).
   */
  async function signedOut(res: ServerResponse, credential: VerifiedCredential, secure: boolean): Promise<void> {
    clearSessionCookies(res, secure);
    await options.dropCredential(credential.keyId).catch((err: unknown) => logger.warn({ err }, 'could not drop a signed-out session from the principal cache; session.revoked will'));
  }

  /** The gateway's error path for the public API: its own headers (Retry-After, WWW-Authenticate), then problem+json. */
  function fail(req: IncomingMessage, res: ServerResponse, path: string, correlationId: string, err: unknown): void {
    const problem = toProblem(err, correlationId, path);
    logError(logger, err, problem, { method: req.method, path, correlationId });
    if (res.headersSent) {
      // Too late for a problem body: cut the connection so the client sees a truncated answer.
      res.destroy(err instanceof Error ? err : undefined);
      return;
    }
    if (err instanceof GatewayError) for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
    writeProblem(res, problem);
  }

  return (req, res) => {
    const started = process.hrtime.bigint();
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const context = beginRequestContext(req, res);
    for (const [name, value] of securityHeaders) res.setHeader(name, value);
    const seen: { route?: string; principalType?: string } = {};
    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      const status = String(res.statusCode);
      const route = seen.route ?? 'unmatched';
      metrics.httpRequestDuration.observe({ method: req.method, route, status }, Number(process.hrtime.bigint() - started) / 1e9);
      gatewayMetrics.requests.inc({ route, status, principal_type: seen.principalType ?? 'anonymous' });
      logRequestCompleted(logger, req, res, { started, url, route, extra: seen });
    };
    res.once('finish', record);
    res.once('close', record);

    runWithContext(context, () => {
      const run = () => forward(req, res, url, path, seen).catch((err: unknown) => fail(req, res, path, context.correlationId, err));
      if (options.cors === undefined) {
        void run();
        return;
      }
      // cors answers preflights itself and calls next() for everything else.
      options.cors(req, res, (err) => {
        if (err !== undefined) fail(req, res, path, context.correlationId, err);
        else void run();
      });
    });
  };
}
