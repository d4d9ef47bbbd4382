// Issue 17 item 7: the feed and preference routes in the service's OpenAPI document, each with the
// scope the gateway enforces and an example of what it answers.
import { createWorld, type World } from '../support/world';

let world: World;
let doc: { paths: Record<string, Record<string, { 'x-required-scope'?: string; responses: Record<string, { content?: Record<string, { schema: { example?: unknown } }> }> }>> };

beforeAll(async () => {
  world = await createWorld('notifications_openapi');
  doc = (await world.as('customerA').get('/openapi.json')).body;
});

afterAll(async () => {
  await world?.close();
});

const ROUTES: [string, string, string][] = [
  ['get', '/v1/feed', 'feed:read'],
  ['post', '/v1/feed/read-all', 'feed:write'],
  ['post', '/v1/feed/{itemId}/read', 'feed:write'],
  ['get', '/v1/notification-preferences', 'notification-preferences:read'],
  ['put', '/v1/notification-preferences', 'notification-preferences:write'],
];

describe('the OpenAPI document', () => {
  it.each(ROUTES)('describes %s %s with its scope', (method, path, scope) => {
    const operation = doc.paths[path]?.[method];
    expect(operation).toBeDefined();
    expect(operation!['x-required-scope']).toBe(scope);
    expect(operation!.responses['200']?.content?.['application/json']).toBeDefined();
  });

  it('shows an example feed item and example preferences', () => {
    expect(JSON.stringify(doc.paths['/v1/feed']!.get!.responses['200'])).toContain('Job render completed');
    expect(JSON.stringify(doc.paths['/v1/notification-preferences']!.get!.responses['200'])).toContain('"jobs"');
  });
});
