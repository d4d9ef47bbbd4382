// Routes that validate and document themselves from the same zod schemas (DESIGN.md §8): a
// service declares each route once with `api.route(...)`; the route validates its request with
// those schemas and the service's OpenAPI 3.1 document (served at /openapi.json, merged by the
// gateway) is generated from them, so the document cannot drift from what the code accepts. A
// public (/v1) route carries the API key scope contracts' OPERATION_SCOPES declares for it, as
// `x-required-scope`; a /v1 route the table lacks does not mount (issue 12 defect 3).
import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { createDocument, type ZodOpenApiObject, type ZodOpenApiOperationObject } from 'zod-openapi';
import { OPERATION_SCOPES, PROBLEM_CONTENT_TYPE, problemSchema, requiredScopeOf } from '@runfleet/contracts';
import { validate, type ParsedRequest, type RequestSchemas } from './http';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteResponse {
  description: string;
  /** body schema; omit for an empty body (204) */
  schema?: z.ZodType;
  /** the body's media type when it is not JSON (`application/pdf`, with a binary string schema) */
  contentType?: string;
}

export interface RouteSpec<S extends RequestSchemas> {
  method: HttpMethod;
  /** express-style path, e.g. `/v1/customers/:customerId` */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  request?: S;
  /** success responses by status; problem responses are added for the error statuses listed in `errors` */
  responses: Record<number, RouteResponse>;
  /** error statuses this route can answer with a problem+json body (400 is added when it validates input, 415 when it takes a body) */
  errors?: number[];
  /** documented with an `Idempotency-Key` header (required when `'required'`) */
  idempotencyKey?: 'optional' | 'required';
  /**
   * Served without a gateway-signed principal (createHttpApp mounts it ahead of the check): an
   * operation the gateway forwards with no credential, such as signing up or in (issue 19).
   */
  public?: boolean;
}

export type RouteHandler<S extends RequestSchemas> = (
  input: ParsedRequest<S>,
  req: Request,
  res: Response,
) => Promise<void> | void;

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; `errors` names each offending field.',
  401: 'Missing or invalid credentials.',
  403: 'The caller may not do this.',
  404: 'No such object (or not visible to the caller).',
  409: 'The object is not in a state that allows this; `detail` names its current state.',
  413: 'The request body is larger than 1 MB.',
  415: 'The request body is not JSON (send Content-Type: application/json).',
  422: 'The Idempotency-Key was used with a different request body.',
  429: 'Too many requests; retry after `Retry-After` seconds.',
  503: 'A dependency is unavailable; retry later.',
};

/** `/v1/customers/:customerId` → `/v1/customers/{customerId}` */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/**
 * The API key scope a public route requires (contracts' OPERATION_SCOPES, or for a service not
 * built yet its provisional prefix), or undefined. `path` in OpenAPI syntax.
 */
export function requiredScope(method: string, path: string): string | undefined {
  return OPERATION_SCOPES[`${method.toUpperCase()} ${path}`] ?? requiredScopeOf(method, path);
}

export interface ApiDocsInfo {
  title: string;
  version: string;
  description?: string;
}

export class ApiRoutes {
  private readonly operations = new Map<string, Partial<Record<HttpMethod, ZodOpenApiOperationObject>>>();

  constructor(
    private readonly router: Router,
    private readonly info: ApiDocsInfo,
    /** where a /v1 route's scope is declared; contracts' table (tests of the kit pass their own) */
    private readonly scopeOf: (method: string, path: string) => string | undefined = requiredScope,
    /** where `public` routes mount (ahead of the principal check); without it they are refused */
    private readonly publicRouter?: Router,
  ) {}

  /** Mounts a validated route on the router and records its documentation. */
  route<S extends RequestSchemas>(spec: RouteSpec<S>, handler: RouteHandler<S>): void {
    if (spec.path.startsWith('/v1/') && this.scopeOf(spec.method, toOpenApiPath(spec.path)) === undefined) {
      throw new Error(`${spec.method.toUpperCase()} ${toOpenApiPath(spec.path)} has no scope in contracts' OPERATION_SCOPES`);
    }
    const validator = validate(spec.request ?? ({} as S));
    const run: RequestHandler = async (req, res) => {
      await handler(validator.parsed(req), req, res);
    };
    const target = spec.public ? this.publicRouter : this.router;
    if (!target) throw new Error(`${spec.method.toUpperCase()} ${spec.path} is public, but this app has no public router`);
    target[spec.method](spec.path, validator, run);
    this.document(spec);
  }

  private document<S extends RequestSchemas>(spec: RouteSpec<S>): void {
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(spec.responses)) {
      responses[status] = response.schema
        ? { description: response.description, content: { [response.contentType ?? 'application/json']: { schema: response.schema } } }
        : { description: response.description };
    }
    const errors = new Set(spec.errors ?? []);
    if (spec.request?.body || spec.request?.query || spec.request?.params) errors.add(400);
    if (spec.request?.body) errors.add(415);
    for (const status of [...errors].sort()) {
      responses[String(status)] = {
        description: ERROR_DESCRIPTIONS[status] ?? 'Error.',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } },
      };
    }
    const operation: ZodOpenApiOperationObject = {
      summary: spec.summary,
      tags: spec.tags,
      responses: responses as ZodOpenApiOperationObject['responses'],
    };
    if (spec.description) operation.description = spec.description;
    const scope = this.scopeOf(spec.method, toOpenApiPath(spec.path));
    if (scope !== undefined) Object.assign(operation, { 'x-required-scope': scope });
    // no credential at all: OpenAPI's way to say an operation overrides any required security
    if (spec.public) Object.assign(operation, { security: [] });
    const requestParams: NonNullable<ZodOpenApiOperationObject['requestParams']> = {};
    if (spec.request?.params) requestParams.path = spec.request.params as never;
    if (spec.request?.query) requestParams.query = spec.request.query as never;
    if (spec.idempotencyKey) {
      requestParams.header = z.object({
        'idempotency-key':
          spec.idempotencyKey === 'required'
            ? z.string().min(1).max(255).meta({ description: 'Makes a retried POST safe (IETF draft).' })
            : z.string().min(1).max(255).optional().meta({ description: 'Makes a retried POST safe (IETF draft).' }),
      }) as never;
    }
    if (Object.keys(requestParams).length > 0) operation.requestParams = requestParams;
    if (spec.request?.body) {
      operation.requestBody = { required: true, content: { 'application/json': { schema: spec.request.body } } };
    }
    const path = toOpenApiPath(spec.path);
    const item = this.operations.get(path) ?? {};
    if (item[spec.method]) throw new Error(`route ${spec.method.toUpperCase()} ${spec.path} is declared twice`);
    item[spec.method] = operation;
    this.operations.set(path, item);
  }

  /** The OpenAPI 3.1 document of every route declared so far. */
  document31(): ReturnType<typeof createDocument> {
    const doc: ZodOpenApiObject = {
      openapi: '3.1.0',
      info: { title: this.info.title, version: this.info.version, description: this.info.description },
      paths: Object.fromEntries(this.operations),
    };
    return createDocument(doc);
  }

  /** Every declared `METHOD /path` (OpenAPI path syntax), for tests comparing routes and docs. */
  declared(): string[] {
    return [...this.operations].flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
  }
}
