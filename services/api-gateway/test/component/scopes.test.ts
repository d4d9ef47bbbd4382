// API key scopes are enforced, not labels (issue 12 defect 3), through the real gateway and the
// real reseller service: a read-only key changes nothing through any write operation, a
// `projects:read` key reads projects and nothing more, an undeclared operation is refused for every
// key, and no key mints or rotates into a key with more scopes than its own.
import { API_SCOPES, OPERATION_SCOPES } from '@runfleet/contracts';
import { createTestVhost, type TestVhost } from '@runfleet/test-infra';
import { createAccounts, type Accounts } from '../support/accounts';
import { publicRouteFor } from '../../src/http/routing-table';
import { call, closeAgents, startGateway, type GatewayUnderTest } from '../support/gateway-under-test';
import { startReseller, type ResellerUnderTest } from '../support/reseller-under-test';

jest.setTimeout(60_000);

let vhost: TestVhost;
let reseller: ResellerUnderTest;
let gw: GatewayUnderTest;
let accounts: Accounts;
let projectId: string;
let providerId: string;
let offeringId: string;

const READ_SCOPES = API_SCOPES.filter((scope) => scope.endsWith(':read'));

async function ok(result: ReturnType<typeof call>, status: number, what: string): Promise<any> {
  const answer = await result;
  if (answer.status !== status) throw new Error(`${what}: expected ${status}, got ${answer.status} ${answer.text}`);
  return answer.json();
}

/** A key made by the bootstrap admin key (unscoped: every scope). */
async function keyWith(scopes: string[], owner: { ownerType: string; ownerId: string }): Promise<{ id: string; key: string }> {
  const body = await ok(call(gw.url, '/v1/api-keys', { key: reseller.adminKey, body: { name: 'scoped', scopes, ...owner } }), 201, 'create key');
  return { id: body.id, key: body.key };
}

beforeAll(async () => {
  vhost = await createTestVhost('gateway_scopes');
  reseller = await startReseller(vhost.url);
  gw = await startGateway({ upstreams: { reseller: reseller.url }, amqpUrl: vhost.url });
  accounts = await createAccounts(gw.url, reseller.adminKey, 'scopes');
  const admin = reseller.adminKey;
  projectId = (await ok(call(gw.url, '/v1/projects', { key: admin, body: { name: 'p', customerId: accounts.customerId } }), 201, 'project')).id;
  providerId = (await ok(call(gw.url, '/v1/providers', { key: admin, body: { name: 'Provider' } }), 201, 'provider')).id;
  offeringId = (
    await ok(call(gw.url, `/v1/providers/${providerId}/offerings`, { key: admin, body: { name: 'Offer', basePrice: '1.000000', currency: 'EUR', unit: 'month' } }), 201, 'offering')
  ).id;
});

afterAll(async () => {
  await gw?.close();
  await reseller?.close();
  await vhost?.drop();
  await closeAgents();
});

/** Everything an admin can see, to show that nothing changed. */
async function everything(): Promise<string> {
  const lists = ['/v1/resellers', '/v1/customers', '/v1/projects', '/v1/api-keys', '/v1/providers', `/v1/providers/${providerId}/offerings`, '/v1/relationships', '/v1/orders'];
  const out: unknown[] = [];
  for (const path of lists) {
    const body = await ok(call(gw.url, `${path}?limit=100`, { key: reseller.adminKey }), 200, path);
    // lastUsedAt moves with every request the test makes; it is not a change a key made.
    out.push(body.items.map((item: Record<string, unknown>) => ({ ...item, lastUsedAt: undefined })));
  }
  return JSON.stringify(out);
}

describe('a read-only key', () => {
  it('is refused every write operation with 403 naming the missing scope, and nothing changes', async () => {
    const { id: readOnlyId, key } = await keyWith(READ_SCOPES, { ownerType: 'admin', ownerId: (await ok(call(gw.url, '/v1/me', { key: reseller.adminKey }), 200, 'me')).id });
    const victim = await keyWith([], { ownerType: 'customer', ownerId: accounts.customerId });
    const ids: Record<string, string> = {
      resellerId: accounts.resellerId,
      customerId: accounts.customerId,
      projectId,
      keyId: victim.id,
      providerId,
      offeringId,
      relationshipId: '00000000-0000-4000-8000-000000000001',
      orderId: '00000000-0000-4000-8000-000000000002',
    };
    // Bodies that would succeed for this admin if the scope were not checked.
    const bodies: Record<string, object> = {
      'POST /v1/resellers': { name: 'Sneaky', email: 'sneaky@resellers.example', commissionRateBps: 100 },
      'PATCH /v1/resellers/{resellerId}': { active: false },
      'POST /v1/customers': { name: 'Sneaky', email: 'sneaky@customers.example', resellerId: accounts.resellerId },
      'PATCH /v1/customers/{customerId}': { active: false },
      'POST /v1/projects': { name: 'sneaky', customerId: accounts.customerId },
      'PATCH /v1/projects/{projectId}': { name: 'renamed' },
      'POST /v1/api-keys': { name: 'sneaky' },
      'POST /v1/api-keys/{keyId}/rotate': { graceSeconds: 0 },
      'POST /v1/providers': { name: 'Sneaky' },
      'PATCH /v1/providers/{providerId}': { name: 'Renamed' },
      'POST /v1/providers/{providerId}/offerings': { name: 'Sneaky', basePrice: '1.000000', currency: 'EUR', unit: 'month' },
      'PATCH /v1/offerings/{offeringId}': { name: 'Renamed' },
      'POST /v1/relationships': { resellerId: accounts.resellerId, providerId, commissionBps: 100 },
    };
    // the unauthenticated operations (sign-up, sign-in…) take no key, so no key's scopes matter to them
    const writes = Object.entries(OPERATION_SCOPES).filter(([operation]) => !operation.startsWith('GET ') && !publicRouteFor(...(operation.split(' ') as [string, string])));
    expect(writes.length).toBeGreaterThan(20);

    const before = await everything();
    for (const [operation, scope] of writes) {
      const [method, template] = operation.split(' ') as [string, string];
      const path = template.replace(/\{(\w+)\}/g, (_, name: string) => ids[name]!);
      const result = await call(gw.url, path, {
        key,
        method: method as 'POST',
        body: bodies[operation] ?? {},
        headers: { 'idempotency-key': `scopes-${operation}` },
      });
      expect({ operation, status: result.status }).toEqual({ operation, status: 403 });
      expect(result.headers['content-type']).toContain('application/problem+json');
      expect(result.json()).toMatchObject({ code: 'AUTH_SCOPE_MISSING' });
      expect(result.json().detail).toContain(scope);
    }
    expect(await everything()).toBe(before);
    // ...while it reads whatever its role may read.
    for (const path of ['/v1/me', '/v1/resellers', '/v1/customers', '/v1/projects', '/v1/api-keys', `/v1/api-keys/${readOnlyId}`, '/v1/audit-events']) {
      expect({ path, status: (await call(gw.url, path, { key })).status }).toEqual({ path, status: 200 });
    }
  });
});

describe('a projects:read key', () => {
  it('reads projects, and may neither create one, nor mint a key, nor revoke one', async () => {
    const { key } = await keyWith(['projects:read'], { ownerType: 'customer', ownerId: accounts.customerId });
    expect((await call(gw.url, '/v1/projects', { key })).status).toBe(200);
    expect((await call(gw.url, `/v1/projects/${projectId}`, { key })).status).toBe(200);

    const create = await call(gw.url, '/v1/projects', { key, body: { name: 'nope' } });
    expect(create.status).toBe(403);
    expect(create.json()).toMatchObject({ code: 'AUTH_SCOPE_MISSING', errors: [{ field: 'scopes', message: 'missing projects:write' }] });
    expect((await call(gw.url, '/v1/api-keys', { key, body: { name: 'wider' } })).status).toBe(403);
    const other = await keyWith([], { ownerType: 'customer', ownerId: accounts.customerId });
    expect((await call(gw.url, `/v1/api-keys/${other.id}/revoke`, { key, method: 'POST' })).status).toBe(403);
    expect((await call(gw.url, '/v1/customers', { key })).status).toBe(403);
    expect((await call(gw.url, `/v1/api-keys/${other.id}`, { key: other.key })).status).toBe(200);
  });

  it('write includes read: a projects:write key reads projects too', async () => {
    const { key } = await keyWith(['projects:write'], { ownerType: 'customer', ownerId: accounts.customerId });
    expect((await call(gw.url, '/v1/projects', { key })).status).toBe(200);
    expect((await call(gw.url, '/v1/projects', { key, body: { name: 'allowed' } })).status).toBe(201);
  });
});

describe('an operation no scope is declared for', () => {
  it('is refused for every key, an unscoped admin key included', async () => {
    const result = await call(gw.url, `/v1/projects/${projectId}`, { key: reseller.adminKey, method: 'PUT', body: { name: 'x' } });
    expect(result.status).toBe(403);
    expect(result.json()).toMatchObject({ code: 'AUTH_OPERATION_UNDECLARED' });
  });
});

describe('minting keys', () => {
  it('never gives a key more scopes than the key that mints it', async () => {
    const { key } = await keyWith(['projects:read', 'api-keys:write'], { ownerType: 'customer', ownerId: accounts.customerId });
    for (const scopes of [['projects:write'], ['projects:read', 'orders:read'], []]) {
      const wider = await call(gw.url, '/v1/api-keys', { key, body: { name: 'wider', scopes } });
      expect({ scopes, status: wider.status }).toEqual({ scopes, status: 403 });
      expect(wider.json()).toMatchObject({ code: 'APIKEY_SCOPE_EXCEEDED', errors: [{ field: 'body.scopes' }] });
    }
    const narrower = await call(gw.url, '/v1/api-keys', { key, body: { name: 'narrower', scopes: ['projects:read'] } });
    expect(narrower.status).toBe(201);
    expect(narrower.json().scopes).toEqual(['projects:read']);
    // Naming no scopes passes the minting key's own on: never an unscoped key.
    const inherited = await call(gw.url, '/v1/api-keys', { key, body: { name: 'inherited' } });
    expect(inherited.status).toBe(201);
    expect(inherited.json().scopes).toEqual(['projects:read', 'api-keys:write']);
  });

  it('never rotates a wider key into the hands of a narrower one', async () => {
    const { key } = await keyWith(['api-keys:write'], { ownerType: 'customer', ownerId: accounts.customerId });
    const unscoped = await keyWith([], { ownerType: 'customer', ownerId: accounts.customerId });
    const rotate = await call(gw.url, `/v1/api-keys/${unscoped.id}/rotate`, { key, body: {} });
    expect(rotate.status).toBe(403);
    expect(rotate.json()).toMatchObject({ code: 'APIKEY_SCOPE_EXCEEDED' });
    const own = await keyWith(['api-keys:write'], { ownerType: 'customer', ownerId: accounts.customerId });
    expect((await call(gw.url, `/v1/api-keys/${own.id}/rotate`, { key, body: {} })).status).toBe(201);
  });

  it('never revokes a key with wider scopes than the revoking key (403), but one within them', async () => {
    const { key } = await keyWith(['api-keys:write'], { ownerType: 'customer', ownerId: accounts.customerId });
    const unscoped = await keyWith([], { ownerType: 'customer', ownerId: accounts.customerId });
    const wider = await keyWith(['api-keys:write', 'projects:write'], { ownerType: 'customer', ownerId: accounts.customerId });
    for (const target of [unscoped, wider]) {
      const revoke = await call(gw.url, `/v1/api-keys/${target.id}/revoke`, { key, method: 'POST' });
      expect(revoke.status).toBe(403);
      expect(revoke.json()).toMatchObject({ code: 'APIKEY_SCOPE_EXCEEDED', errors: [{ field: 'params.keyId' }] });
      const still = await call(gw.url, `/v1/api-keys/${target.id}`, { key: target.key });
      expect(still.json()).toMatchObject({ status: 'active' });
    }
    const same = await keyWith(['api-keys:read'], { ownerType: 'customer', ownerId: accounts.customerId });
    expect((await call(gw.url, `/v1/api-keys/${same.id}/revoke`, { key, method: 'POST' })).status).toBe(200);
  });

  it('refuses a scope outside the scope set with 400 naming the field', async () => {
    const result = await call(gw.url, '/v1/api-keys', { key: reseller.adminKey, body: { name: 'odd', scopes: ['projects:read', 'everything:admin'] } });
    expect(result.status).toBe(400);
    expect(result.json().errors[0].field).toBe('body.scopes.1');
  });
});
