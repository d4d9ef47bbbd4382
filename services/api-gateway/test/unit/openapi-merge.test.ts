// Merging service documents: only routed paths are published, clashing component names are kept apart.
import { mergeOpenApi, type OpenApiDocument } from '../../src/domain/openapi-merge';

const doc = (paths: OpenApiDocument['paths'], schemas: Record<string, unknown> = {}): OpenApiDocument => ({
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  paths,
  components: { schemas },
});
const ref = (name: string) => ({ description: 'ok', content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } } });

function merge(services: { service: string; document: OpenApiDocument | null }[]) {
  return mergeOpenApi({
    info: { title: 'Runfleet API', version: '1' },
    gateway: doc({ '/health/live': { get: { responses: { 200: { description: 'ok' } } } } }),
    services,
    ownerOf: (path) => (path.startsWith('/v1/a') ? 'alpha' : path.startsWith('/v1/b') ? 'beta' : undefined),
    idempotencyRequired: (method, path) => method === 'POST' && path === '/v1/a',
    problemSchema: { type: 'object' },
  });
}

describe('mergeOpenApi', () => {
  it('publishes only paths the routing table sends to the documenting service', () => {
    const { document, unrouted } = merge([
      { service: 'alpha', document: doc({ '/v1/a': { get: { responses: { 200: { description: 'ok' } } } }, '/internal/x': { post: { responses: {} } }, '/v1/b': { get: { responses: {} } } }) },
    ]);
    expect(Object.keys(document.paths ?? {}).sort()).toEqual(['/health/live', '/v1/a']);
    expect(unrouted.sort()).toEqual(['alpha GET /v1/b', 'alpha POST /internal/x']);
  });

  it('renames a component two services define differently, and points the second service’s refs at its copy', () => {
    const { document } = merge([
      { service: 'alpha', document: doc({ '/v1/a': { get: { responses: { 200: ref('Item') } } } }, { Item: { type: 'string' } }) },
      { service: 'beta', document: doc({ '/v1/b': { get: { responses: { 200: ref('Item') } } } }, { Item: { type: 'number' } }) },
    ]);
    expect(document.components?.schemas?.Item).toEqual({ type: 'string' });
    expect(document.components?.schemas?.beta_Item).toEqual({ type: 'number' });
    const betaSchema = (document.paths?.['/v1/b']?.get as { responses: Record<string, { content: Record<string, { schema: unknown }> }> }).responses['200']!.content['application/json']!.schema;
    expect(betaSchema).toEqual({ $ref: '#/components/schemas/beta_Item' });
  });

  it('adds the required Idempotency-Key header only where the gateway requires it, and lists unavailable services', () => {
    const { document, missing } = merge([
      { service: 'alpha', document: doc({ '/v1/a': { post: { responses: {} } }, '/v1/a/x': { post: { responses: {} } } }) },
      { service: 'beta', document: null },
    ]);
    const header = (path: string) => ((document.paths?.[path]?.post as { parameters: { name: string; required: boolean }[] }).parameters).find((p) => p.name === 'Idempotency-Key');
    expect(header('/v1/a')?.required).toBe(true);
    expect(header('/v1/a/x')?.required).toBe(false);
    expect(missing).toEqual(['beta']);
    expect(String(document.info.description)).toContain('beta');
  });
});
