// The gateway (no listen): every /v1 request through authentication, rate limiting, idempotency
// and the routing table to the owning service on the public API's hot path (public-api.ts), and
// the gateway's own routes (health, docs, the web console) on express with correlation id, logging,
// helmet and CORS (DESIGN.md §2, §6, §7, §8); /metrics on a separate internal listener (DESIGN.md §9).
import type { RequestListener } from 'node:http';
import cors from 'cors';
import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import {
  ApiRoutes,
  AppError,
  correlationMiddleware,
  createMetrics,
  problemErrorHandler,
  accessLog,
  type Logger,
  type Metrics,
} from '@runfleet/service-kit';
import { idempotencyEncryptionKey, keyCacheSecret, type Config } from '../config';
import { IdempotencyStore } from '../data/idempotency-store';
import { PrincipalCache, type KeyOwner } from '../data/principal-cache';
import { ResponseCipher } from '../data/response-cipher';
import type { OpenApiDocument } from '../domain/openapi-merge';
import { withPublicRoutes } from '../domain/public-route-docs';
import { Authenticator } from './auth';
import { consoleRouter } from './console';
import { CredentialVerifier } from './credential-verifier';
import { ApiDocs } from './docs';
import { GatewayError } from './gateway-errors';
import { FanOut } from './fan-out';
import { fanOutDocument } from './fan-out.schemas';
import { createGatewayMetrics, type GatewayMetrics } from './gateway-metrics';
import { Idempotency } from './idempotency';
import { PrincipalSigner } from './principal-signer';
import { createPublicApi, headersSetBy, type NodeMiddleware, type TrustProxy } from './public-api';
import { RateLimits } from './rate-limits';
import { RouteTemplates } from './route-templates';
import { createGatewayHealth, type GatewayHealth } from './readiness';
import { longPollTimeoutMs, UPSTREAM_NAMES, upstreamOrigins } from './routing-table';
import { Upstream, type Upstreams } from './upstreams';

export const GATEWAY_VERSION = '1.0.0';

export interface GatewayOptions {
  config: Config;
  logger: Logger;
  redis: Redis;
  /** broker connection state, for readiness */
  amqpConnected: () => boolean;
  /** per readiness check; default 2000 */
  healthTimeoutMs?: number;
}

export interface Gateway {
  /** the gateway's own routes (health, docs) */
  app: Express;
  /** what the server listens with: /v1 on the public API's hot path, the rest on `app` */
  handler: RequestListener;
  /** what the internal metrics port listens with: GET /metrics, nothing else */
  metricsHandler: RequestListener;
  health: GatewayHealth;
  metrics: Metrics;
  gatewayMetrics: GatewayMetrics;
  upstreams: Upstreams;
  principalCache: PrincipalCache;
  /** a revoked credential: out of Redis and out of this process's memo */
  dropCredential(keyId: string): Promise<void>;
  /** every credential of a suspended, deactivated or reactivated owner: out of Redis and this process's memo */
  dropCredentialsOf(owner: KeyOwner): Promise<void>;
  docs: ApiDocs;
  /** the route labels of public requests, learnt from the services' OpenAPI documents */
  routeTemplates: RouteTemplates;
  close(): Promise<void>;
}

/** The gateway's errors with their own headers (Retry-After, WWW-Authenticate), then the kit's problem+json path. */
function errorHandler(logger: Logger): ErrorRequestHandler {
  const problems = problemErrorHandler(logger);
  return (err, req, res, next) => {
    if (err instanceof GatewayError && !res.headersSent) {
      for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
    }
    problems(err, req, res, next);
  };
}

export function buildGateway(options: GatewayOptions): Gateway {
  const { config, logger, redis } = options;
  const metrics = createMetrics('api-gateway');
  const gatewayMetrics = createGatewayMetrics(metrics.registry);
  const origins = upstreamOrigins(config);
  const upstreams = Object.fromEntries(
    UPSTREAM_NAMES.map((name) => [
      name,
      new Upstream({
        name,
        origins: origins[name],
        connectTimeoutMs: config.UPSTREAM_CONNECT_TIMEOUT_MS,
        timeoutMs: config.UPSTREAM_TIMEOUT_MS,
        maxInFlight: config.UPSTREAM_MAX_IN_FLIGHT,
        resetTimeoutMs: config.BREAKER_RESET_MS,
      }),
    ]),
  ) as Upstreams;
  for (const upstream of Object.values(upstreams)) {
    gatewayMetrics.setBreakerState(upstream.name, upstream.state);
    upstream.onStateChange((state, replica) => {
      gatewayMetrics.setBreakerState(upstream.name, state);
      logger.warn({ upstream: upstream.name, replica: replica.origin, replicaState: replica.state, state }, `circuit breaker ${replica.state}`);
    });
  }

  const health = createGatewayHealth({
    origins,
    redisPing: () => redis.ping(),
    amqpConnected: options.amqpConnected,
    timeoutMs: options.healthTimeoutMs,
  });
  const principalCache = new PrincipalCache(redis, config.REDIS_KEY_PREFIX, keyCacheSecret(config));
  const rateLimits = new RateLimits({
    redis,
    prefix: config.REDIS_KEY_PREFIX,
    perMinute: config.RATE_LIMIT_PER_MINUTE,
    authFailuresPerMinute: config.AUTH_FAILURES_PER_MINUTE,
    publicPerMinute: config.WEBHOOK_RATE_LIMIT_PER_MINUTE,
    accountPerMinute: config.AUTH_PER_IP_PER_MINUTE,
    syncIntervalMs: config.RATE_LIMIT_SYNC_MS,
    metrics: gatewayMetrics,
    logger,
  });
  const authenticator = new Authenticator({
    cache: principalCache,
    verifier: new CredentialVerifier(upstreams, config.PRINCIPAL_SECRET, logger),
    rateLimits,
    metrics: gatewayMetrics,
    logger,
    cacheTtlSeconds: config.AUTH_CACHE_TTL_SECONDS,
  });
  // The in-flight marker outlives the longest an ordinary upstream call can take, then frees the key.
  // Not a long poll's (a runner's claim, up to CLAIM_MAX_WAIT_SECONDS more): sized for it, a crashed
  // gateway would hold every key's retry off for over a minute; a claim retried while the first still
  // waits is just a second claim, which the registry answers on its own.
  const idempotency = new Idempotency({
    store: new IdempotencyStore(redis, config.REDIS_KEY_PREFIX, 2 * config.UPSTREAM_TIMEOUT_MS + 5_000, new ResponseCipher(idempotencyEncryptionKey(config))),
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    responseLimitBytes: config.RESPONSE_LIMIT_BYTES,
    logger,
  });
  const signer = new PrincipalSigner(config.PRINCIPAL_SECRET);

  const security = helmet();
  const corsMiddleware =
    config.CORS_ORIGINS.length === 0
      ? undefined
      : cors({
          origin: config.CORS_ORIGINS.includes('*') ? '*' : config.CORS_ORIGINS,
          // Bearer keys, not cookies: credentialed CORS is never needed.
          credentials: false,
          allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-correlation-id'],
          exposedHeaders: ['x-correlation-id', 'x-request-id', 'ratelimit', 'ratelimit-policy', 'retry-after', 'idempotent-replayed', 'location'],
          maxAge: 600,
        });

  // The gateway's own routes (health, docs) on express.
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  app.use(correlationMiddleware());
  app.use(metrics.middleware);
  app.use(accessLog(logger, { skip: (path) => path.startsWith('/docs/') || path.startsWith('/console/assets/') }));
  app.use(security);
  if (corsMiddleware) app.use(corsMiddleware);

  // The gateway's own routes, documented with the kit's ApiRoutes like every service's.
  const ownRouter = express.Router();
  const own = new ApiRoutes(ownRouter, { title: 'Runfleet API gateway', version: GATEWAY_VERSION });
  const viewsDocument = fanOutDocument(GATEWAY_VERSION);
  const docs = new ApiDocs({
    upstreams,
    logger,
    version: GATEWAY_VERSION,
    gatewayDocument: () => withPublicRoutes(own.document31() as unknown as OpenApiDocument),
    viewsDocument: () => viewsDocument,
  });
  const statusBody = z.object({ status: z.string() });
  const readyBody = z.object({ status: z.enum(['ok', 'unavailable']), checks: z.record(z.string(), z.string()) });
  const call = (handler: RequestHandler) => async (_input: unknown, req: Request, res: Response): Promise<void> => {
    await handler(req, res, () => undefined);
  };
  own.route(
    { method: 'get', path: '/health/live', summary: 'Liveness of the gateway process', tags: ['gateway'], responses: { 200: { description: 'Alive', schema: statusBody }, 503: { description: 'Shutting down', schema: statusBody } } },
    call(health.live),
  );
  own.route(
    {
      method: 'get',
      path: '/health/ready',
      summary: 'Readiness of the gateway, Redis, the broker and every service, each by name',
      tags: ['gateway'],
      responses: { 200: { description: 'Everything is ready', schema: readyBody }, 503: { description: 'Something is not ready; `checks` says what', schema: readyBody } },
    },
    call(health.aggregatedReady),
  );
  own.route(
    { method: 'get', path: '/openapi.json', summary: 'This document: the gateway merged with every service', tags: ['gateway'], responses: { 200: { description: 'OpenAPI 3.1 document' } } },
    call(docs.documentHandler),
  );
  own.route({ method: 'get', path: '/docs', summary: 'Interactive API documentation (Swagger UI)', tags: ['gateway'], responses: { 200: { description: 'HTML page' } } }, call(docs.pageHandler));
  docs.mount(ownRouter);
  app.use(ownRouter);
  app.use(consoleRouter(config.CONSOLE_DIST));

  app.use((req, res, next) => {
    gatewayMetrics.requests.inc({ route: 'unmatched', status: '404', principal_type: 'anonymous' });
    next(AppError.notFound('ROUTE_NOT_FOUND', `No route for ${req.method} ${req.path}.`));
  });
  app.use(errorHandler(logger));

  const routeTemplates = new RouteTemplates(() => docs.merged());

  async function dropCredential(keyId: string): Promise<void> {
    // Redis first, as for an owner: a request between the two steps cannot copy the entry back into
    // the memo (a read begun before the drop is not kept: the forget starts a new generation, auth.ts).
    await principalCache.drop(keyId);
    authenticator.forget(keyId);
  }

  // The public API (/v1) on its own hot path, everything else on express.
  const publicApi = createPublicApi({
    routeTemplates,
    logger,
    metrics,
    gatewayMetrics,
    authenticator,
    rateLimits,
    idempotency,
    signer,
    upstreams,
    views: new FanOut({ upstreams, signer, readTimeoutMs: config.FANOUT_READ_TIMEOUT_MS, responseLimitBytes: config.RESPONSE_LIMIT_BYTES, metrics: gatewayMetrics, logger }),
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    publicBodyLimitBytes: config.WEBHOOK_BODY_LIMIT_BYTES,
    accountBodyLimitBytes: config.AUTH_BODY_LIMIT_BYTES,
    publicOrigin: config.PUBLIC_ORIGIN,
    cookieSecure: config.COOKIE_SECURE,
    dropCredential: (keyId) => dropCredential(keyId),
    responseLimitBytes: config.RESPONSE_LIMIT_BYTES,
    longPollTimeoutMs: (route) => longPollTimeoutMs(route, config),
    trustProxy: app.get('trust proxy fn') as TrustProxy,
    securityHeaders: headersSetBy(security as unknown as NodeMiddleware),
    cors: corsMiddleware as unknown as NodeMiddleware | undefined,
  });
  // /metrics on its own internal port (METRICS_PORT): request counts by route and principal type are
  // for operators, not for anyone who can reach the public API (issue 12 item 5).
  const metricsApp = express();
  metricsApp.disable('x-powered-by');
  metricsApp.get('/metrics', metrics.handler);
  metricsApp.use((req, _res, next) => next(AppError.notFound('ROUTE_NOT_FOUND', `No route for ${req.method} ${req.path}.`)));
  metricsApp.use(errorHandler(logger));

  const handler: RequestListener = (req, res) => {
    if (req.url?.startsWith('/v1/')) publicApi(req, res);
    else app(req, res);
  };

  return {
    app,
    handler,
    metricsHandler: metricsApp,
    health,
    metrics,
    gatewayMetrics,
    upstreams,
    principalCache,
    dropCredential,
    async dropCredentialsOf(owner) {
      // Redis first, so a request between the two steps cannot copy the entry back into the memo.
      await principalCache.dropOwner(owner);
      authenticator.forgetOwner(owner);
    },
    docs,
    routeTemplates,
    async close() {
      await rateLimits.flush().catch((err: unknown) => logger.warn({ err }, 'could not send the last rate-limit counts to Redis'));
      await Promise.all(Object.values(upstreams).map((u) => u.close()));
    },
  };
}
