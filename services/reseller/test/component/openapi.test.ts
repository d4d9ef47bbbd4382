// Issue 4: every route described with examples — the accounts and commerce routes in the service's OpenAPI document.
import { createWorld, type World } from '../support/world';

let world: World;
let doc: { paths: Record<string, Record<string, Operation>> };

interface Operation {
  summary?: string;
  requestBody?: { content: { 'application/json': { schema: Schema } } };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}
type Schema = { example?: unknown; examples?: unknown[]; properties?: Record<string, Schema> };

beforeAll(async () => {
  world = await createWorld('reseller_openapi');
  doc = (await world.as('admin').get('/openapi.json')).body;
});

afterAll(async () => {
  await world?.close();
});

const ACCOUNT_ROUTES = [
  'post /v1/resellers',
  'get /v1/resellers',
  'get /v1/resellers/{resellerId}',
  'patch /v1/resellers/{resellerId}',
  'get /v1/me',
  'post /v1/customers',
  'get /v1/customers',
  'get /v1/customers/{customerId}',
  'patch /v1/customers/{customerId}',
  'post /v1/projects',
  'get /v1/projects',
  'get /v1/projects/{projectId}',
  'patch /v1/projects/{projectId}',
  'post /v1/projects/{projectId}/archive',
  'post /v1/api-keys',
  'get /v1/api-keys',
  'get /v1/api-keys/{keyId}',
  'post /v1/api-keys/{keyId}/revoke',
  'post /v1/api-keys/{keyId}/rotate',
  'post /internal/api-keys/verify',
  'get /v1/audit-events',
];

// DELETE /v1/relationships/{relationshipId} answers 204 without a body, so it has no example to show.
const COMMERCE_ROUTES = [
  'post /v1/providers',
  'get /v1/providers',
  'get /v1/providers/{providerId}',
  'patch /v1/providers/{providerId}',
  'delete /v1/providers/{providerId}',
  'post /v1/providers/{providerId}/offerings',
  'get /v1/providers/{providerId}/offerings',
  'get /v1/offerings/{offeringId}',
  'patch /v1/offerings/{offeringId}',
  'delete /v1/offerings/{offeringId}',
  'post /v1/relationships',
  'get /v1/relationships',
  'get /v1/relationships/{relationshipId}',
  'patch /v1/relationships/{relationshipId}',
  'get /v1/marketplace/offerings',
  'post /v1/orders',
  'get /v1/orders',
  'get /v1/orders/{orderId}',
  'post /v1/orders/{orderId}/fulfil',
  'post /v1/orders/{orderId}/fail',
  'post /v1/orders/{orderId}/cancel',
  'get /v1/resellers/{resellerId}/tier',
];

const hasExample = (schema: Schema | undefined): boolean =>
  schema !== undefined && (schema.example !== undefined || (schema.examples?.length ?? 0) > 0);

describe('the OpenAPI document', () => {
  it.each([...ACCOUNT_ROUTES, ...COMMERCE_ROUTES])('describes %s with a summary and an example of its success body', (route) => {
    const [method, path] = route.split(' ') as [string, string];
    const operation = doc.paths[path]?.[method];

    expect(operation?.summary).toEqual(expect.any(String));
    const success = Object.entries(operation!.responses).find(([status]) => status.startsWith('2'))![1];
    const schema = success.content?.['application/json']?.schema;
    const items = schema?.properties?.items as (Schema & { items?: Schema }) | undefined;
    expect(hasExample(schema) || hasExample(items?.items)).toBe(true);
    if (operation!.requestBody) expect(hasExample(operation!.requestBody.content['application/json'].schema)).toBe(true);
  });
});
