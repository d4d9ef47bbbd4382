// One OpenAPI 3.1 document for the whole public API (issue 5 item 6): the gateway's own routes
// plus every service's document, keeping only the paths the routing table sends to that service,
// with what the gateway adds to every forwarded operation (bearer auth, its 401/403/429/503/504,
// the Idempotency-Key header it honours or requires). Pure: documents in, document out.

// OpenAPI documents are JSON trees; only the parts touched here are typed.
type Json = Record<string, unknown>;
export interface OpenApiDocument extends Json {
  openapi: string;
  info: Json;
  paths?: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  tags?: { name: string }[];
}

export interface ServiceDocument {
  service: string;
  /** null when the service did not answer */
  document: OpenApiDocument | null;
}

export interface MergeOptions {
  info: { title: string; version: string; description?: string };
  /** the gateway's own routes (health, docs); public, no credential */
  gateway: OpenApiDocument;
  services: ServiceDocument[];
  /** which service the routing table sends a path to */
  ownerOf: (path: string) => string | undefined;
  idempotencyRequired: (method: string, path: string) => boolean;
  /** the problem+json schema (JSON Schema) the gateway's own errors use */
  problemSchema: Json;
}

export interface MergeResult {
  document: OpenApiDocument;
  /** `service METHOD /path` of documented operations the routing table does not send to that service */
  unrouted: string[];
  /** services whose document was unavailable */
  missing: string[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const PROBLEM = 'application/problem+json';
const GATEWAY_RESPONSES: Record<string, string> = {
  '401': 'GatewayUnauthorized',
  '403': 'GatewayForbidden',
  '429': 'GatewayTooManyRequests',
  '503': 'GatewayUnavailable',
  '504': 'GatewayTimeout',
};

function gatewayComponents(problemSchema: Json): Record<string, Record<string, unknown>> {
  const problem = (description: string, headers?: Json) => ({
    description,
    ...(headers ? { headers } : {}),
    content: { [PROBLEM]: { schema: { $ref: '#/components/schemas/GatewayProblem' } } },
  });
  const retryAfter = { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } };
  return {
    schemas: { GatewayProblem: problemSchema },
    responses: {
      GatewayUnauthorized: problem('Missing, malformed, unknown, expired or revoked credentials (one answer for all).'),
      GatewayForbidden: problem(
        'The key may not be used from this IP address, lacks the scope the operation requires (`AUTH_SCOPE_MISSING`, naming it), or the caller may not do this.',
      ),
      GatewayTooManyRequests: problem('Rate limit exceeded.', {
        ...retryAfter,
        RateLimit: { description: 'Remaining requests and seconds to reset (draft-ietf-httpapi-ratelimit-headers).', schema: { type: 'string' } },
      }),
      GatewayUnavailable: problem('The owning service is unavailable (circuit open) or overloaded.', retryAfter),
      GatewayTimeout: problem('The owning service did not answer in time.'),
    },
    securitySchemes: {
      bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key (`rf_sk_…`), a runner token (`rf_rt_…`) or, to register a runner, a registration token (`rf_rg_…`).' },
    },
  };
}

/** Renames component `name` of `type` throughout `doc` (its $refs included). */
function renameComponent(doc: Json, type: string, from: string, to: string): Json {
  const fromRef = `#/components/${type}/${from}`;
  const toRef = `#/components/${type}/${to}`;
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') {
      const out: Json = {};
      for (const [key, value] of Object.entries(node as Json)) {
        out[key] = key === '$ref' && value === fromRef ? toRef : walk(value);
      }
      return out;
    }
    return node;
  };
  return walk(doc) as Json;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function withGatewayAdditions(operation: Json, method: string, required: boolean): Json {
  const responses = { ...((operation.responses as Json | undefined) ?? {}) };
  for (const [status, name] of Object.entries(GATEWAY_RESPONSES)) {
    responses[status] ??= { $ref: `#/components/responses/${name}` };
  }
  // The scope the gateway enforces (contracts' OPERATION_SCOPES, which the service documented as x-required-scope).
  const scope = typeof operation['x-required-scope'] === 'string' ? [operation['x-required-scope']] : [];
  const result: Json = { ...operation, security: [{ bearerAuth: scope }], responses };
  if (method === 'post') {
    const parameters = ((operation.parameters as Json[] | undefined) ?? []).filter(
      (p) => !(p.in === 'header' && String(p.name).toLowerCase() === 'idempotency-key'),
    );
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required,
      description: required
        ? 'Required: this request moves money or places work. A retry with the same key returns the first response (Idempotent-Replayed: true).'
        : 'Optional: a retry with the same key returns the first response (Idempotent-Replayed: true).',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    });
    result.parameters = parameters;
    responses['409'] ??= { description: 'A request with this Idempotency-Key is still in flight.', content: { [PROBLEM]: { schema: { $ref: '#/components/schemas/GatewayProblem' } } } };
    responses['422'] ??= { description: 'The Idempotency-Key was used with a different request.', content: { [PROBLEM]: { schema: { $ref: '#/components/schemas/GatewayProblem' } } } };
    if (required) responses['400'] ??= { description: 'The Idempotency-Key header is missing.', content: { [PROBLEM]: { schema: { $ref: '#/components/schemas/GatewayProblem' } } } };
  }
  return result;
}

export function mergeOpenApi(options: MergeOptions): MergeResult {
  const components: Record<string, Record<string, unknown>> = {};
  const addComponents = (source: Record<string, Record<string, unknown>> | undefined, owner: string, doc: Json): Json => {
    let current = doc;
    for (const [type, entries] of Object.entries(source ?? {})) {
      components[type] ??= {};
      for (const [name, value] of Object.entries(entries)) {
        const existing = components[type]![name];
        if (existing === undefined || sameJson(existing, value)) {
          components[type]![name] = value;
          continue;
        }
        // Two services define different things under one name: the later one gets its service's prefix.
        const renamed = `${owner}_${name}`;
        current = renameComponent(current, type, name, renamed);
        components[type]![renamed] = (renameComponent({ value }, type, name, renamed) as { value: unknown }).value;
      }
    }
    return current;
  };

  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Map<string, { name: string }>();
  const unrouted: string[] = [];
  const missing: string[] = [];

  // The gateway's own operations, which a service's description of the same operation does not replace:
  // the gateway answers them, or changes what the service answers (a sign-in's token becomes a cookie).
  const gatewayOperations = new Set<string>();
  for (const [path, item] of Object.entries(options.gateway.paths ?? {})) {
    const publicItem: Json = {};
    for (const [method, operation] of Object.entries(item)) {
      publicItem[method] = METHODS.includes(method) ? { ...(operation as Json), security: [] } : operation;
      if (METHODS.includes(method)) gatewayOperations.add(`${method} ${path}`);
    }
    paths[path] = publicItem;
  }
  for (const tag of options.gateway.tags ?? []) tags.set(tag.name, tag);
  addComponents(options.gateway.components as Record<string, Record<string, unknown>> | undefined, 'gateway', {});
  for (const [type, entries] of Object.entries(gatewayComponents(options.problemSchema))) {
    components[type] = { ...(components[type] ?? {}), ...entries };
  }

  for (const { service, document } of options.services) {
    if (!document) {
      missing.push(service);
      continue;
    }
    const ownComponents = document.components;
    const doc = addComponents(ownComponents, service, { paths: document.paths ?? {} }) as { paths: Record<string, Record<string, unknown>> };
    for (const [path, item] of Object.entries(doc.paths)) {
      const routed = options.ownerOf(path) === service;
      const merged: Json = { ...(paths[path] ?? {}) };
      for (const [method, operation] of Object.entries(item)) {
        if (!METHODS.includes(method)) {
          merged[method] = operation;
          continue;
        }
        if (!routed) {
          unrouted.push(`${service} ${method.toUpperCase()} ${path}`);
          continue;
        }
        if (gatewayOperations.has(`${method} ${path}`)) continue;
        merged[method] = withGatewayAdditions(operation as Json, method, options.idempotencyRequired(method.toUpperCase(), path));
      }
      if (Object.keys(merged).some((m) => METHODS.includes(m))) paths[path] = merged;
    }
    for (const tag of document.tags ?? []) tags.set(tag.name, tag);
  }

  const description = [options.info.description, missing.length > 0 ? `Not included (service unavailable): ${missing.join(', ')}.` : undefined]
    .filter(Boolean)
    .join('\n\n');
  const document: OpenApiDocument = {
    openapi: '3.1.0',
    info: { title: options.info.title, version: options.info.version, ...(description ? { description } : {}) },
    paths,
    components,
    ...(tags.size > 0 ? { tags: [...tags.values()] } : {}),
  };
  return { document, unrouted, missing };
}
