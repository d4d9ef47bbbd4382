// The public API's documentation (issue 5 item 6): GET /openapi.json merges the gateway's own
// routes with every service's /openapi.json; GET /docs is Swagger UI served from the
// swagger-ui-dist package on this host (no CDN), with no inline script so helmet's CSP stays strict.
import path from 'node:path';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import { problemSchema } from '@runfleet/contracts';
import type { Logger } from '@runfleet/service-kit';
import { mergeOpenApi, type MergeResult, type OpenApiDocument, type ServiceDocument } from '../domain/openapi-merge';
import { idempotencyKeyRequired } from './idempotency-policy';
import { UPSTREAM_NAMES, routeFor, viewFor } from './routing-table';
import type { Upstreams } from './upstreams';

const COMPLETE_CACHE_MS = 30_000;
// A document missing a service is retried soon, so the docs heal once the service is back.
const PARTIAL_CACHE_MS = 3_000;

const swaggerUiDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Runfleet API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: false });\n`;

export interface ApiDocsOptions {
  upstreams: Upstreams;
  logger: Logger;
  /** the gateway's own routes' document (health, docs) */
  gatewayDocument: () => OpenApiDocument;
  /** the views the gateway serves on the public API (fan-out.schemas.ts): merged like a service's, with bearer auth */
  viewsDocument?: () => OpenApiDocument;
  version: string;
}

export class ApiDocs {
  private cached: { result: MergeResult; until: number } | undefined;

  constructor(private readonly options: ApiDocsOptions) {}

  private async serviceDocument(service: (typeof UPSTREAM_NAMES)[number]): Promise<ServiceDocument> {
    try {
      // Outside the breaker: reading documents (also for route labels, route-templates.ts) must not
      // change what clients get from a struggling service.
      const response = await this.options.upstreams[service].requestUnguarded({ method: 'GET', path: '/openapi.json', headers: { accept: 'application/json' } });
      if (response.statusCode !== 200) {
        await response.body.dump();
        return { service, document: null };
      }
      return { service, document: (await response.body.json()) as OpenApiDocument };
    } catch (err) {
      this.options.logger.warn({ service, reason: err instanceof Error ? err.message : String(err) }, 'could not fetch a service OpenAPI document');
      return { service, document: null };
    }
  }

  /** The merged document (cached briefly: it changes only when a service is deployed). */
  async merged(now = Date.now()): Promise<MergeResult> {
    if (this.cached && this.cached.until > now) return this.cached.result;
    const services = await Promise.all(UPSTREAM_NAMES.map((name) => this.serviceDocument(name)));
    if (this.options.viewsDocument) services.push({ service: 'gateway', document: this.options.viewsDocument() });
    const result = mergeOpenApi({
      info: {
        title: 'Runfleet API',
        version: this.options.version,
        description: 'The public API of Runfleet, served by the API gateway. Authenticate with `Authorization: Bearer <API key>`, ' +
          'or in a browser with the session cookie that `POST /v1/auth/login` sets (writes then need `X-CSRF-Token`).',
      },
      gateway: this.options.gatewayDocument(),
      services,
      ownerOf: (p) => (viewFor('GET', p) ? 'gateway' : routeFor(p)?.upstream),
      idempotencyRequired: idempotencyKeyRequired,
      problemSchema: problemJsonSchema(),
    });
    // /internal/* is never forwarded by design; only a public route left out is worth a warning.
    const publicUnrouted = result.unrouted.filter((route) => !route.includes(' /internal/'));
    if (publicUnrouted.length > 0) this.options.logger.warn({ unrouted: publicUnrouted }, 'services document routes the routing table does not forward');
    this.cached = { result, until: now + (result.missing.length > 0 ? PARTIAL_CACHE_MS : COMPLETE_CACHE_MS) };
    return result;
  }

  readonly documentHandler: RequestHandler = async (_req: Request, res: Response) => {
    const { document } = await this.merged();
    res.setHeader('Cache-Control', 'no-cache');
    res.json(document);
  };

  /** GET /docs, /docs/init.js and /docs/assets/* */
  mount(router: Router): void {
    router.get('/docs/init.js', (_req, res) => {
      res.type('application/javascript').send(INIT);
    });
    router.use('/docs/assets', express.static(swaggerUiDir, { index: false, fallthrough: false, maxAge: '1d' }));
  }

  readonly pageHandler: RequestHandler = (_req, res) => {
    res.type('html').send(PAGE);
  };
}

let problemJson: Record<string, unknown> | undefined;
function problemJsonSchema(): Record<string, unknown> {
  if (!problemJson) {
    const { $schema: _ignored, ...schema } = z.toJSONSchema(problemSchema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
    problemJson = schema;
  }
  return problemJson;
}
