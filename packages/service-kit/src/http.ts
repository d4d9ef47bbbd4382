// The express app every service serves: correlation id first, request logging, body limit,
// health and metrics, the gateway-signed principal, the service's routes, then one error path
// that answers application/problem+json for everything (DESIGN.md §7, §8, §9).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { CORRELATION_HEADER, findUnstorableText, PROBLEM_CONTENT_TYPE, type Problem } from '@runfleet/contracts';
import { currentCorrelationId, runWithContext, type RequestContext } from './context';
import { AppError, fieldPath, logError, missingAsRequired, toProblem, zodFieldErrors, type FieldError } from './errors';
import type { Health } from './health';
import { routeLabel, type Metrics } from './metrics';
import { ApiRoutes, type ApiDocsInfo } from './openapi';
import { requirePrincipal } from './principal';

export const REQUEST_ID_HEADER = 'x-request-id';

// Ids from the outside are kept only when harmless in logs and headers.
const SANE_ID = /^[A-Za-z0-9._-]{1,128}$/;

function incomingId(req: IncomingMessage, header: string): string {
  const value = req.headers[header];
  return typeof value === 'string' && SANE_ID.test(value) ? value : randomUUID();
}

const requestContexts = new WeakMap<IncomingMessage, RequestContext>();

/** The context a request runs in (correlation and request id), also outside AsyncLocalStorage. */
export function requestContextOf(req: IncomingMessage): RequestContext | undefined {
  return requestContexts.get(req);
}

/**
 * Keeps (or creates) the request's correlation and request ids, sets them on the response and
 * returns them; run the rest of the request in it with `runWithContext`. For handlers on plain
 * node:http (the gateway's hot path); express apps use `correlationMiddleware`.
 */
export function beginRequestContext(req: IncomingMessage, res: ServerResponse): RequestContext {
  const correlationId = incomingId(req, CORRELATION_HEADER);
  const requestId = incomingId(req, REQUEST_ID_HEADER);
  const context: RequestContext = { correlationId, requestId };
  requestContexts.set(req, context);
  res.setHeader(CORRELATION_HEADER, correlationId);
  res.setHeader(REQUEST_ID_HEADER, requestId);
  return context;
}

/** Sets (or keeps) x-correlation-id and x-request-id and runs the rest of the request in that context. */
export function correlationMiddleware(): RequestHandler {
  return (req, res, next) => {
    runWithContext(beginRequestContext(req, res), next);
  };
}

const isOpsPath = (url: string | undefined): boolean => {
  const path = (url ?? '').split('?')[0] ?? '';
  return path.startsWith('/health/') || path === '/metrics';
};

export interface AccessLogOptions {
  /** fields to add or override (e.g. the principal type) */
  extra?: (req: Request, res: Response) => Record<string, unknown>;
  /** paths left unlogged besides /health and /metrics (e.g. the gateway's docs assets) */
  skip?: (path: string) => boolean;
}

/**
 * One log line per completed request (method, url without query, matched route, status, time,
 * correlation and request ids), built only when its level is enabled. Hand-written rather than
 * pino-http, which builds a child logger and serialises every header on every request — work on
 * the hot path for fields nobody reads — and logging no headers at all means no credential can
 * reach a log line from here.
 */
export function accessLog(logger: Logger, options: AccessLogOptions = {}): RequestHandler {
  const { extra, skip } = options;
  return (req, res, next) => {
    if (isOpsPath(req.url) || (skip !== undefined && skip(req.path))) {
      next();
      return;
    }
    const started = process.hrtime.bigint();
    res.once('finish', () => logRequestCompleted(logger, req, res, { started, url: req.originalUrl, route: routeLabel(req), extra: extra?.(req, res) }));
    next();
  };
}

export interface CompletedRequest {
  /** process.hrtime.bigint() when the request came in */
  started: bigint;
  /** as the client sent it; the query is dropped from the line */
  url: string;
  /** the route pattern that answered, or 'unmatched' */
  route: string;
  /** more fields, or overrides */
  extra?: Record<string, unknown>;
}

/** The access log's line for one finished request (see `accessLog`), built only when its level is enabled. */
export function logRequestCompleted(logger: Logger, req: IncomingMessage, res: ServerResponse, request: CompletedRequest): void {
  const { started, url, route, extra } = request;
  // A 4xx is the client's mistake, answered as designed: info, so warn and error stay for what an
  // operator must act on (issue 12 item 9).
  const level = res.statusCode >= 500 ? 'error' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  // 'finish' may fire outside the request's async context, so the ids are added explicitly.
  const context = requestContexts.get(req);
  logger[level](
    {
      correlationId: context?.correlationId,
      requestId: context?.requestId,
      req: { method: req.method, url: url.split('?')[0], remoteAddress: req.socket.remoteAddress },
      res: { statusCode: res.statusCode },
      route,
      responseTime: Number(process.hrtime.bigint() - started) / 1e6,
      ...extra,
    },
    'request completed',
  );
}

/** Express error handler: every error becomes a problem+json body and one log line. */
export function problemErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    const correlationId = requestContexts.get(req)?.correlationId ?? currentCorrelationId();
    const problem = toProblem(err, correlationId, req.path);
    logError(logger, err, problem, { method: req.method, path: req.path, correlationId });
    if (res.headersSent) {
      // Too late for a problem body; let express abort the connection.
      next(err);
      return;
    }
    // an outage the caller can wait out (the database restarting): say when to try again
    if (problem.status === 503 && !res.hasHeader('Retry-After')) res.setHeader('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS));
    writeProblem(res, problem);
  };
}

/** Retry-After of a 503 the service itself answers: a database restart is seconds. */
const OUTAGE_RETRY_AFTER_SECONDS = 2;

/** A request that came with a body nobody read to its end (a GET without one reads as ended). */
function hasUnreadBody(req: IncomingMessage): boolean {
  if (req.readableEnded) return false;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Answers with a problem+json body (headers already set on `res` are kept). When the request's
 * body was not read to its end (413, or refused before reading), the connection is closed after
 * the answer and says so: the unread rest would otherwise be parsed as the next request on a
 * keep-alive connection, which then fails with a reset (issue 12 item 7). What still arrives is
 * read and dropped, so the client gets the answer rather than a reset from unread bytes.
 */
export function writeProblem(res: ServerResponse, problem: Problem): void {
  const req = (res as ServerResponse & { req?: IncomingMessage }).req;
  if (req !== undefined && hasUnreadBody(req)) {
    res.setHeader('Connection', 'close');
    req.resume();
  }
  const body = JSON.stringify(problem);
  res.statusCode = problem.status;
  res.setHeader('Content-Type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

export const routeNotFound: RequestHandler = (req, _res, next) => {
  next(AppError.notFound('ROUTE_NOT_FOUND', `No route for ${req.method} ${req.path}.`));
};

export interface HttpAppOptions {
  service: string;
  logger: Logger;
  metrics: Metrics;
  health: Health;
  /** when given, every route except health and metrics requires a gateway-signed principal */
  principalSecret?: string;
  /**
   * mounts the service's routes: plain express on `router`, or validated and documented with
   * `api.route(...)` (the document is served at GET /openapi.json)
   */
  routes: (router: Router, api: ApiRoutes) => void;
  /** title and version of the service's OpenAPI document */
  apiInfo?: ApiDocsInfo;
  /** express.json limit; default '1mb' (larger bodies get 413 REQUEST_TOO_LARGE) */
  bodyLimit?: string | number;
  /** express 'trust proxy' setting; default false */
  trustProxy?: boolean | number | string | string[];
}

/** The service's express app, not listening: pass it to `listen()` or to supertest. */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? false);

  app.use(correlationMiddleware());
  app.use(options.metrics.middleware);
  app.use(accessLog(options.logger));
  // raw-body (under express.json) binds its callback to the request's async context, so the
  // correlation id survives slow, chunked bodies (tested in http-app.test.ts).
  app.use(express.json({ limit: options.bodyLimit ?? '1mb', type: JSON_MEDIA_TYPES }));

  // Operators and probes reach these without a principal (DESIGN.md §9).
  app.get('/health/live', options.health.live);
  app.get('/health/ready', options.health.ready);
  app.get('/metrics', options.metrics.handler);

  const router = express.Router();
  // routes declared `public` (no principal: signing up or in) go here, ahead of the principal check
  const publicRouter = express.Router();
  const api = new ApiRoutes(router, options.apiInfo ?? { title: `Runfleet ${options.service}`, version: '1.0.0' }, undefined, publicRouter);
  options.routes(router, api);
  // The document describes the public API (the gateway merges it); it holds no secrets.
  let document: unknown;
  app.get('/openapi.json', (_req, res) => {
    document ??= api.document31();
    res.json(document);
  });

  app.use(publicRouter);
  if (options.principalSecret !== undefined) app.use(requirePrincipal(options.principalSecret));
  app.use(router);

  app.use(routeNotFound);
  app.use(problemErrorHandler(options.logger));
  return app;
}

/** The bodies express.json parses; a route that takes a body answers 415 to anything else. */
export const JSON_MEDIA_TYPES = ['application/json', 'application/*+json'];

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

export interface RequestSchemas {
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
}

type Output<T> = T extends z.ZodType ? z.output<T> : undefined;

export interface ParsedRequest<S extends RequestSchemas> {
  body: Output<S['body']>;
  query: Output<S['query']>;
  params: Output<S['params']>;
}

export interface Validator<S extends RequestSchemas> extends RequestHandler {
  /** the parsed, typed values of a request this validator accepted */
  parsed(req: Request): ParsedRequest<S>;
}

/**
 * Route middleware validating body, query and params with zod; a failure is a 400
 * VALIDATION_FAILED naming every field (`body.amount`, `query.limit`). Before any schema, every
 * string (and object key) of the request is checked for text PostgreSQL cannot store (a NUL, a lone
 * surrogate), so no route of any service can pass one to its database (issue 12 defect 1). A body
 * that is not JSON is a 415, not a missing body. On success req.body is replaced by the parsed
 * body, and `validator.parsed(req)` returns all three typed — express 5's req.query is a getter, so
 * parsed query and params live beside the request, not on it.
 */
export function validate<S extends RequestSchemas>(schemas: S): Validator<S> {
  const results = new WeakMap<Request, ParsedRequest<S>>();
  const locations = ['body', 'query', 'params'] as const;

  const middleware = async (req: Request, _res: unknown, next: (err?: unknown) => void): Promise<void> => {
    if (schemas.body && hasBody(req) && !req.is(JSON_MEDIA_TYPES)) {
      next(
        AppError.unsupportedMediaType('REQUEST_UNSUPPORTED_MEDIA_TYPE', 'The request body must be JSON (Content-Type: application/json).', {
          errors: [{ field: 'body', message: 'must be sent as application/json' }],
        }),
      );
      return;
    }
    const errors: FieldError[] = [];
    const parsed: Record<string, unknown> = { body: undefined, query: undefined, params: undefined };
    for (const location of locations) {
      const schema = schemas[location];
      // Path params reach a handler even without a schema; an unvalidated body or query does not.
      if (!schema && location !== 'params') continue;
      const unstorable = findUnstorableText(req[location]).map(({ path, message }) => ({ field: fieldPath(path, location), message }));
      errors.push(...unstorable);
      if (!schema) continue;
      const result = await schema.safeParseAsync(req[location], { error: missingAsRequired });
      if (result.success) parsed[location] = result.data;
      else errors.push(...zodFieldErrors(result.error, location).filter((e) => !unstorable.some((u) => u.field === e.field)));
    }
    if (errors.length > 0) {
      next(AppError.badRequest('VALIDATION_FAILED', 'The request is invalid.', { errors }));
      return;
    }
    if (schemas.body) req.body = parsed.body;
    results.set(req, parsed as unknown as ParsedRequest<S>);
    next();
  };

  return Object.assign(middleware as RequestHandler, {
    parsed(req: Request): ParsedRequest<S> {
      const result = results.get(req);
      if (!result) throw new Error('validate(): parsed() called on a request this validator did not accept');
      return result;
    },
  });
}
