// The authorization matrix over the whole public API (issue 18 items 4 and 5; DESIGN.md §7), generated
// from the gateway's merged OpenAPI document of a real stack (e2e/support/authz-world.ts makes the
// tenants and their objects through the API):
// - every operation with an object id, called by every role (admin, two resellers, two customers of
//   each, a runner, no credential) on every other tenant's objects, answers 403 or 404 (401 without a
//   credential), carries none of the object's bytes (its id, its planted names and secrets), and every
//   object reads the same afterwards. An operation without its MATRIX row fails the test;
// - every list, by every role, unfiltered and filtered by other tenants' ids and names, carries none
//   of the objects that role may not see;
// - every create naming another tenant's object in its body (`…Id`) is refused (BODY_REFS);
// - every operation declares the scope of packages/contracts' table and refuses a key lacking it
//   (403 AUTH_SCOPE_MISSING), and no credential (401).
// Counts (requests, statuses, leaks) are printed. One stack; 20–50 s depending on load.
import { randomUUID } from 'node:crypto';
import { OPERATION_SCOPES } from '@runfleet/contracts';
import { call, buildWorld, isRelated, ROLES, type Answer, type ObjectKind, type Owner, type Role, type World, type WorldObject } from '../support/authz-world';
import { startStack, type Stack } from '../support/stack';

interface Row {
  /** the fixture objects whose ids fill the operation's path parameter */
  objects: ObjectKind;
  /** a valid body, so that a missing check would let the write through (not fail on validation) */
  body?: (object: WorldObject) => unknown;
  query?: string;
  /**
   * Who may reach an object of `owner` besides its tenant chain (isRelated): read-mostly platform
   * objects such as the catalogue. Everyone else is foreign and must be refused.
   */
  alsoAllowed?: (role: Role, owner: Owner) => boolean;
  /** who reads the object to show it is there (default the admin, who reads everything; `owner`: its owner) */
  reader?: Role | 'owner';
  /** an account's own object: not even the admin or the account's reseller may touch it */
  ownerOnly?: true;
}

const accounts = (role: Role) => role !== 'runner' && role !== 'anonymous';

/** One row per operation with an object id: how its object is made (authz-world.ts) and who owns it. */
const MATRIX: Record<string, Row> = {
  'GET /v1/resellers/{resellerId}': { objects: 'reseller' },
  'PATCH /v1/resellers/{resellerId}': { objects: 'reseller', body: () => ({ name: 'taken over' }) },
  'GET /v1/resellers/{resellerId}/tier': { objects: 'reseller' },
  'GET /v1/resellers/{resellerId}/earnings': { objects: 'reseller' },

  'GET /v1/customers/{customerId}': { objects: 'customer' },
  'PATCH /v1/customers/{customerId}': { objects: 'customer', body: () => ({ name: 'taken over' }) },
  // the gateway's fan-out view (issue 18 item 6): refused as a whole for another tenant's customer
  'GET /v1/customers/{customerId}/overview': { objects: 'customer' },

  'GET /v1/projects/{projectId}': { objects: 'project' },
  'PATCH /v1/projects/{projectId}': { objects: 'project', body: () => ({ name: 'taken over' }) },
  'POST /v1/projects/{projectId}/archive': { objects: 'project' },

  'GET /v1/api-keys/{keyId}': { objects: 'apiKey' },
  'POST /v1/api-keys/{keyId}/revoke': { objects: 'apiKey' },
  'POST /v1/api-keys/{keyId}/rotate': { objects: 'apiKey', body: () => ({ graceSeconds: 60 }) },

  // the catalogue is the platform's: resellers and customers read it, only the admin changes it
  'GET /v1/providers/{providerId}': { objects: 'provider', alsoAllowed: accounts },
  'PATCH /v1/providers/{providerId}': { objects: 'provider', body: () => ({ description: 'taken over' }) },
  'DELETE /v1/providers/{providerId}': { objects: 'provider' },
  'POST /v1/providers/{providerId}/offerings': {
    objects: 'provider',
    body: () => ({ name: 'planted', basePrice: '1.00', currency: 'EUR', unit: 'month' }),
  },
  'GET /v1/providers/{providerId}/offerings': { objects: 'provider', alsoAllowed: accounts },
  'GET /v1/offerings/{offeringId}': { objects: 'offering', alsoAllowed: accounts },
  'PATCH /v1/offerings/{offeringId}': { objects: 'offering', body: () => ({ description: 'taken over' }) },
  'DELETE /v1/offerings/{offeringId}': { objects: 'offering' },

  'GET /v1/relationships/{relationshipId}': { objects: 'relationship' },
  'PATCH /v1/relationships/{relationshipId}': { objects: 'relationship', body: () => ({ commissionBps: 1 }) },
  'DELETE /v1/relationships/{relationshipId}': { objects: 'relationship' },

  'GET /v1/orders/{orderId}': { objects: 'order' },
  'POST /v1/orders/{orderId}/fulfil': { objects: 'order', body: () => ({ externalOrderId: 'taken-over', details: {} }) },
  'POST /v1/orders/{orderId}/fail': { objects: 'order', body: () => ({ reason: 'taken over' }) },
  'POST /v1/orders/{orderId}/cancel': { objects: 'order', body: () => ({ reason: 'taken over' }) },

  'GET /v1/wallets/{walletId}': { objects: 'wallet' },
  'PATCH /v1/wallets/{walletId}': { objects: 'wallet', body: () => ({ lowBalanceThreshold: '1.00', reason: 'taken over' }) },
  'GET /v1/wallets/{walletId}/transactions': { objects: 'wallet' },
  'POST /v1/wallets/{walletId}/credits': { objects: 'wallet', body: () => ({ amount: '1.00', currency: 'EUR', reason: 'taken over' }) },
  'POST /v1/wallets/{walletId}/refunds': { objects: 'wallet', body: (wallet) => ({ transactionId: wallet.extra?.chargeId, amount: '0.01', reason: 'taken over' }) },

  'GET /v1/holds/{holdId}': { objects: 'hold' },

  // prices are public to every account (each sees its own prices); only the admin changes them
  'GET /v1/price-lists/{jobType}/versions': { objects: 'priceList', alsoAllowed: accounts },
  'DELETE /v1/price-lists/{jobType}': { objects: 'priceList', query: '?currency=EUR' },

  'GET /v1/commissions/{commissionId}': { objects: 'commission' },
  'POST /v1/commissions/{commissionId}/approve': { objects: 'commission' },

  'GET /v1/payout-methods/{methodId}': { objects: 'payoutMethod' },
  'GET /v1/payouts/{payoutId}': { objects: 'payout' },
  'POST /v1/payouts/{payoutId}/process': { objects: 'payout' },
  'POST /v1/payouts/{payoutId}/complete': { objects: 'payout', body: () => ({ reference: 'taken-over' }) },
  'POST /v1/payouts/{payoutId}/fail': { objects: 'payout', body: () => ({ reason: 'taken over' }) },

  'GET /v1/invoices/{invoiceId}': { objects: 'invoice' },
  'GET /v1/invoices/{invoiceId}.pdf': { objects: 'invoice' },
  'POST /v1/invoices/{invoiceId}/issue': { objects: 'invoice' },
  'POST /v1/invoices/{invoiceId}/pay': { objects: 'invoice', body: () => ({ reference: 'taken-over' }) },
  'POST /v1/invoices/{invoiceId}/void': { objects: 'invoice', body: () => ({ reason: 'taken over' }) },

  'GET /v1/registration-tokens/{tokenId}': { objects: 'registrationToken' },
  'POST /v1/registration-tokens/{tokenId}/revoke': { objects: 'registrationToken' },

  'GET /v1/runners/{runnerId}': { objects: 'runner' },
  'PATCH /v1/runners/{runnerId}': { objects: 'runner', body: () => ({ capacity: 3 }) },
  'DELETE /v1/runners/{runnerId}': { objects: 'runner' },
  'POST /v1/runners/{runnerId}/drain': { objects: 'runner' },
  'POST /v1/runners/{runnerId}/activate': { objects: 'runner' },
  'POST /v1/runners/{runnerId}/disable': { objects: 'runner' },

  // a runner reaches only the jobs assigned to it: its own (A1's job), not one assigned to another
  // runner (B1's) nor queued ones (A2's, B2's); no API key reaches the runner API at all
  'GET /v1/runners/me/jobs/{jobId}': { objects: 'runnerJob', reader: 'runner' },
  'POST /v1/runners/me/jobs/{jobId}/start': { objects: 'runnerJob' },
  'POST /v1/runners/me/jobs/{jobId}/progress': { objects: 'runnerJob', body: () => ({ percent: 50, message: 'taken over' }) },
  'POST /v1/runners/me/jobs/{jobId}/complete': { objects: 'runnerJob', body: () => ({ units: '1', durationMs: 1000 }) },
  'POST /v1/runners/me/jobs/{jobId}/fail': { objects: 'runnerJob', body: () => ({ message: 'taken over' }) },

  'GET /v1/jobs/{jobId}': { objects: 'job' },
  'POST /v1/jobs/{jobId}/cancel': { objects: 'job' },

  // a feed is its account's alone: not even the admin or the account's reseller reads another's
  'POST /v1/feed/{itemId}/read': { objects: 'feedItem', ownerOnly: true },

  // webhook endpoints and deliveries are their account's alone too (the admin gets 403)
  'GET /v1/webhook-endpoints/{endpointId}': { objects: 'webhookEndpoint', ownerOnly: true, reader: 'owner' },
  'PATCH /v1/webhook-endpoints/{endpointId}': { objects: 'webhookEndpoint', ownerOnly: true, body: () => ({ enabled: true, url: 'https://taken-over.example/hook' }) },
  'DELETE /v1/webhook-endpoints/{endpointId}': { objects: 'webhookEndpoint', ownerOnly: true },
  'POST /v1/webhook-endpoints/{endpointId}/rotate-secret': { objects: 'webhookEndpoint', ownerOnly: true },
  'POST /v1/webhook-endpoints/{endpointId}/test': { objects: 'webhookEndpoint', ownerOnly: true },
  'GET /v1/webhook-deliveries/{deliveryId}': { objects: 'webhookDelivery', ownerOnly: true, reader: 'owner' },
  'POST /v1/webhook-deliveries/{deliveryId}/replay': { objects: 'webhookDelivery', ownerOnly: true },
  // a reseller's own (issue 19): not even the admin reads another reseller's sign-ups through /me
  'GET /v1/resellers/me/referral-codes/{codeId}/signups': { objects: 'referralCode', ownerOnly: true, reader: 'owner' },
};

interface Operation {
  key: string;
  method: string;
  path: string;
  scope: string | undefined;
  queryParams: string[];
  /** top-level request body fields that name another object (`…Id`) */
  bodyIds: string[];
  unauthenticated: boolean;
}

interface DocumentOperation {
  'x-required-scope'?: string;
  /** `[]` on the few operations a caller reaches without any credential (the gateway's PUBLIC_ROUTES) */
  security?: unknown[];
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { schema?: { $ref?: string; properties?: Record<string, unknown> } }> };
}

let stack: Stack;
let world: World;
let operations: Operation[];

beforeAll(async () => {
  stack = await startStack('authz_matrix', {
    env: {
      // one client sends ~1,800 requests a minute, half of them without a credential
      'api-gateway': { RATE_LIMIT_PER_MINUTE: '1000000', AUTH_FAILURES_PER_MINUTE: '1000000' },
      // the runners never heartbeat: none goes stale (and gives its job back) while the matrix runs
      'runner-registry': { HEARTBEAT_INTERVAL_SECONDS: '600' },
    },
  });
  const document = (await (await fetch(`${stack.gatewayUrl}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, DocumentOperation>>;
    components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> };
  };
  const propertiesOf = (operation: DocumentOperation) => {
    const schema = operation.requestBody?.content?.['application/json']?.schema;
    const resolved = schema?.$ref ? document.components?.schemas?.[schema.$ref.split('/').pop()!] : schema;
    return Object.keys(resolved?.properties ?? {});
  };
  operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, operation]) => ({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        scope: operation['x-required-scope'],
        unauthenticated: Array.isArray(operation.security) && operation.security.length === 0,
        queryParams: (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        bodyIds: propertiesOf(operation).filter((name) => /Id$/.test(name)),
      })),
  );
  const started = Date.now();
  world = await buildWorld(stack);
  const made = Object.entries(world.objects).map(([kind, objects]) => `${objects.length} ${kind}`);
  console.log(`authz world: ${world.setupRequests} requests in ${Date.now() - started} ms made ${made.join(', ')}`);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

const withObjectId = (operation: Operation) => /\{[^}]+\}/.test(operation.path);
// The matrix is about credentials: the operations that take none (the payment provider's webhook and
// people's sign-up, sign-in, verification and reset; their own suites test them) are left out.
const isV1 = (operation: Operation) => operation.path.startsWith('/v1/') && !operation.unauthenticated;

/** Every operation reachable without a credential; a new one is a deliberate change to this list. */
const UNAUTHENTICATED_OPERATIONS = [
  'POST /v1/auth/email-verification',
  'POST /v1/auth/login',
  'POST /v1/auth/password-reset',
  'POST /v1/auth/password-reset/confirm',
  'POST /v1/auth/signup',
  'POST /v1/payments/webhook',
];

describe('operations without a credential', () => {
  it('are only the listed ones (security: [] in the merged document)', () => {
    const unauthenticated = operations.filter((op) => op.path.startsWith('/v1/') && op.unauthenticated);
    expect(unauthenticated.map((op) => op.key).sort()).toEqual(UNAUTHENTICATED_OPERATIONS);
  });
});

function urlOf(path: string, id: string, query = ''): string {
  return path.replace(/\{[^}]+\}/, encodeURIComponent(id)) + query;
}

/** Runs `tasks` with at most `width` in flight (one stack on a shared machine: parallel, not a flood). */
async function inParallel<T>(tasks: (() => Promise<T>)[], width = 12): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) {
        const index = next++;
        results[index] = await tasks[index]!();
      }
    }),
  );
  return results;
}

/**
 * The markers of `object` an answer carries. A problem's `instance` is the echo of the caller's own
 * request path (RFC 9457), so the id the caller sent may stand there and nowhere else.
 */
function leakedMarkers(answer: Answer, object: WorldObject, requested: string): string[] {
  let text = answer.text;
  if (answer.json && typeof answer.json === 'object' && answer.json.instance === requested.split('?')[0]) {
    const { instance: _echo, ...rest } = answer.json as Record<string, unknown>;
    text = JSON.stringify(rest);
  }
  return object.markers.filter((marker) => marker !== '' && text.includes(marker));
}

/** An answer without what moves by itself (timestamps of use, a runner's liveness): what a foreign write would change. */
function stable(answer: Answer): string {
  if (answer.json === undefined) return `${answer.status} ${answer.text.length}`;
  return `${answer.status} ${JSON.stringify(answer.json, (key, value: unknown) => (VOLATILE.has(key) ? undefined : value))}`;
}
// generatedAt: the time a fan-out view (the customer overview) was composed
const VOLATILE = new Set(['lastUsedAt', 'lastHeartbeatAt', 'correlationId', 'since', 'generatedAt']);

describe('the authorization matrix, from the gateway OpenAPI document', () => {
  it('has a row for every operation with an object id, and none for an operation that is gone', () => {
    const needed = operations.filter((op) => isV1(op) && withObjectId(op)).map((op) => op.key);
    expect(needed.filter((key) => !(key in MATRIX))).toEqual([]);
    expect(Object.keys(MATRIX).filter((key) => !needed.includes(key))).toEqual([]);
  });

  it("refuses every role on every other tenant's objects (403/404, 401 without a key), leaks none of their bytes and changes none of them", async () => {
    const foreign: (() => Promise<string | undefined>)[] = [];
    const statuses: Record<number, number> = {};
    const reads: { label: string; read: () => Promise<Answer> }[] = [];
    for (const operation of operations.filter((op) => isV1(op) && withObjectId(op))) {
      const row = MATRIX[operation.key];
      if (!row) continue;
      const objects = world.objects[row.objects];
      if (objects.length === 0) throw new Error(`${operation.key}: the world has no ${row.objects}`);
      for (const object of objects) {
        const url = urlOf(operation.path, object.id, row.query);
        for (const role of ROLES) {
          const related = row.ownerOnly ? role === object.owner || (role === 'admin' && object.owner === 'platform') : isRelated(role, object.owner);
          if (related || row.alsoAllowed?.(role, object.owner)) continue;
          foreign.push(async () => {
            const answer = await call(stack, operation.method, url, world.credentials[role], row.body?.(object));
            statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
            const expected = role === 'anonymous' ? [401] : [403, 404];
            const leaks = leakedMarkers(answer, object, url);
            if (expected.includes(answer.status) && leaks.length === 0) return undefined;
            return `${operation.key} as ${role} on ${object.owner}'s ${row.objects} ${object.id}: ${answer.status}${leaks.length ? ` LEAKS ${leaks.join(', ')}` : ''} ${answer.text.slice(0, 200)}`;
          });
        }
        // the object is there (so a refusal is authorization, not a wrong id), read before and after
        const reader = row.reader === 'owner' ? (object.owner === 'platform' ? 'admin' : object.owner) : (row.reader ?? 'admin');
        if (operation.method === 'GET' && isRelated(reader, object.owner)) {
          reads.push({ label: `${operation.key} ${object.id} as ${reader}`, read: () => call(stack, 'GET', url, world.credentials[reader]) });
        }
      }
    }
    // an account's feed item is read through its feed (there is no GET of one item)
    for (const item of world.objects.feedItem) {
      const owner: Role = item.owner === 'platform' ? 'admin' : item.owner;
      reads.push({
        label: `feed item ${item.id} as ${owner}`,
        read: async () => {
          const answer = await call(stack, 'GET', '/v1/feed?limit=100', world.credentials[owner]);
          const found = answer.json?.items?.find((i: { id: string }) => i.id === item.id);
          return { status: found ? answer.status : 404, text: JSON.stringify(found), json: found };
        },
      });
    }

    const started = Date.now();
    const before = await inParallel(reads.map((r) => r.read));
    const failures = (await inParallel(foreign)).filter((f): f is string => f !== undefined);
    const after = await inParallel(reads.map((r) => r.read));
    const leaks = failures.filter((f) => f.includes(' LEAKS '));
    const missing = reads.filter((_r, i) => before[i]!.status !== 200).map((r, i) => `${r.label}: ${before[i]!.status} ${before[i]!.text.slice(0, 200)}`);
    const changed = reads.flatMap((r, i) => (stable(before[i]!) === stable(after[i]!) ? [] : [`${r.label}: ${stable(before[i]!).slice(0, 300)} → ${stable(after[i]!).slice(0, 300)}`]));
    console.log(
      `authorization matrix: ${foreign.length} foreign requests (statuses ${JSON.stringify(statuses)}), ${reads.length * 2} reads by the owners, in ${Date.now() - started} ms; wrong answers ${failures.length}; leaks ${leaks.length}; objects missing ${missing.length}; changed ${changed.length}`,
    );
    expect(failures).toEqual([]);
    expect(missing).toEqual([]);
    expect(changed).toEqual([]);
  }, 300_000);
});

/**
 * List filters that take another object's id (or name), and the kind of object whose foreign ids
 * (or planted names) are passed in them. A list operation with an id-like filter missing here fails.
 */
const FILTER_KINDS: Record<string, ObjectKind> = {
  customerId: 'customer',
  resellerId: 'reseller',
  ownerId: 'customer',
  targetId: 'customer',
  walletId: 'wallet',
  projectId: 'project',
  endpointId: 'webhookEndpoint',
  providerId: 'provider',
};
/** `q` (a name search) on these lists is given the planted names of foreign objects of this kind */
const NAME_SEARCH: Record<string, ObjectKind> = { '/v1/resellers': 'reseller', '/v1/customers': 'customer', '/v1/projects': 'project' };
/** kinds every account may see (the catalogue), and kinds only their owner sees */
const PUBLIC_KINDS = new Set<ObjectKind>(['provider', 'offering', 'priceList']);
const OWNER_ONLY_KINDS = new Set<ObjectKind>(['feedItem', 'webhookEndpoint', 'webhookDelivery']);

/** Whether `role` may see `object` of `kind` anywhere (a customer also sees its reseller's name on what it buys). */
function visible(role: Role, kind: ObjectKind, object: WorldObject): boolean {
  if (kind === 'runnerJob') return true; // the same jobs as `job`, judged there
  if (PUBLIC_KINDS.has(kind)) return accounts(role);
  if (OWNER_ONLY_KINDS.has(kind)) return role === object.owner || (role === 'admin' && object.owner === 'platform');
  if (isRelated(role, object.owner)) return true;
  return (kind === 'reseller' || kind === 'relationship') && (role === 'cA1' || role === 'cA2' ? object.owner === 'rA' : role === 'cB1' || role === 'cB2' ? object.owner === 'rB' : false);
}

describe('lists, filtered by other tenants\' ids', () => {
  it('answer every role with none of the objects it may not see, whatever id or name it filters by', async () => {
    const lists = operations.filter((op) => isV1(op) && op.method === 'GET' && !withObjectId(op) && op.path !== '/v1/feed/stream');
    const unmapped: string[] = [];
    const probes: (() => Promise<string | undefined>)[] = [];
    for (const list of lists) {
      const params = list.queryParams;
      for (const role of ROLES.filter(accounts)) {
        const hidden = Object.entries(world.objects).flatMap(([kind, objects]) => objects.filter((o) => !visible(role, kind as ObjectKind, o)));
        const queries = [''];
        for (const param of params) {
          if (/Id$/.test(param) && !(param in FILTER_KINDS)) unmapped.push(`${list.key} ?${param}`);
          const kind = param === 'q' ? NAME_SEARCH[list.path] : FILTER_KINDS[param];
          if (!kind) continue;
          for (const object of world.objects[kind].filter((o) => !visible(role, kind, o))) {
            queries.push(`?${param}=${encodeURIComponent(param === 'q' ? object.markers[1]! : object.id)}`);
          }
        }
        for (const query of queries) {
          probes.push(async () => {
            const answer = await call(stack, 'GET', `${list.path}${query}`, world.credentials[role]);
            const leaks = hidden.flatMap((o) => leakedMarkers(answer, o, list.path));
            if ([200, 400, 403, 404].includes(answer.status) && leaks.length === 0) return undefined;
            return `${list.key}${query} as ${role}: ${answer.status}${leaks.length ? ` LEAKS ${leaks.join(', ')}` : ''} ${answer.text.slice(0, 200)}`;
          });
        }
      }
    }
    const failures = (await inParallel(probes)).filter((f): f is string => f !== undefined);
    console.log(`lists: ${probes.length} requests over ${lists.length} list operations; wrong answers ${failures.length}; leaks ${failures.filter((f) => f.includes(' LEAKS ')).length}`);
    expect(unmapped).toEqual([]);
    expect(failures).toEqual([]);
  }, 120_000);
});

/**
 * Creating operations whose body names another object (`…Id`), one row per field: the kind of object
 * named and a valid body naming it. A new body field named `…Id` without its row fails.
 */
const BODY_REFS: Record<string, { objects: ObjectKind; body: (object: WorldObject) => unknown }> = {
  'POST /v1/customers resellerId': { objects: 'reseller', body: (o) => ({ name: 'planted', email: 'planted@authz.example', resellerId: o.id }) },
  'POST /v1/projects customerId': { objects: 'customer', body: (o) => ({ name: 'planted', customerId: o.id }) },
  'POST /v1/api-keys ownerId': { objects: 'customer', body: (o) => ({ name: 'planted', ownerType: 'customer', ownerId: o.id }) },
  'POST /v1/relationships resellerId': { objects: 'reseller', body: (o) => ({ resellerId: o.id, providerId: world.objects.provider[0]!.id, commissionBps: 100 }) },
  'POST /v1/relationships providerId': { objects: 'provider', body: (o) => ({ providerId: o.id, commissionBps: 100 }) },
  'POST /v1/orders offeringId': { objects: 'offering', body: (o) => ({ offeringId: o.id, quantity: 1 }) },
  'POST /v1/price-lists resellerId': { objects: 'reseller', body: (o) => ({ jobType: 'planted', unit: 'run', unitPrice: '1.00', currency: 'EUR', resellerId: o.id }) },
  'POST /v1/payouts methodId': { objects: 'payoutMethod', body: (o) => ({ amount: '50.00', methodId: o.id }) },
  'POST /v1/invoices resellerId': { objects: 'reseller', body: (o) => ({ kind: 'commission', resellerId: o.id }) },
  'POST /v1/registration-tokens customerId': { objects: 'customer', body: (o) => ({ description: 'planted', customerId: o.id }) },
  'POST /v1/jobs projectId': {
    objects: 'project',
    body: (o) => ({ projectId: o.id, type: world.objects.priceList[0]!.id, payload: {}, maxCost: { amount: '1.00', currency: 'EUR' } }),
  },
  'POST /v1/webhook-deliveries/replay endpointId': { objects: 'webhookEndpoint', body: (o) => ({ endpointId: o.id, since: o.extra?.since }) },
  // invitations (issue 19): a fresh address each time, so a wrong acceptance is not hidden by a 409
  'POST /v1/users resellerId': { objects: 'reseller', body: (o) => ({ email: `planted-${randomUUID()}@authz.example`, name: 'planted', role: 'reseller', resellerId: o.id }) },
  'POST /v1/users customerId': { objects: 'customer', body: (o) => ({ email: `planted-${randomUUID()}@authz.example`, name: 'planted', role: 'customer', customerId: o.id }) },
};

describe("creating with another tenant's ids in the body", () => {
  it('is refused (4xx, nothing made) to every role that may not see the object named, and leaks none of its bytes', async () => {
    const statuses: Record<number, number> = {};
    const creating = operations.filter((op) => isV1(op) && !withObjectId(op) && op.bodyIds.length > 0);
    const needed = creating.flatMap((op) => op.bodyIds.map((field) => `${op.key} ${field}`));
    expect(needed.filter((key) => !(key in BODY_REFS))).toEqual([]);
    expect(Object.keys(BODY_REFS).filter((key) => !needed.includes(key))).toEqual([]);
    const probes: (() => Promise<string | undefined>)[] = [];
    for (const [key, ref] of Object.entries(BODY_REFS)) {
      const [method, path] = key.split(' ') as [string, string];
      for (const object of world.objects[ref.objects]) {
        for (const role of ROLES.filter((r) => r !== 'anonymous' && !visible(r, ref.objects, object))) {
          probes.push(async () => {
            const answer = await call(stack, method, path, world.credentials[role], ref.body(object));
            statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
            const leaks = leakedMarkers(answer, object, path);
            if ([400, 403, 404, 409, 422].includes(answer.status) && leaks.length === 0) return undefined;
            return `${key} as ${role} naming ${object.owner}'s ${ref.objects} ${object.id}: ${answer.status}${leaks.length ? ` LEAKS ${leaks.join(', ')}` : ''} ${answer.text.slice(0, 200)}`;
          });
        }
      }
    }
    const failures = (await inParallel(probes)).filter((f): f is string => f !== undefined);
    console.log(`body references: ${probes.length} requests over ${Object.keys(BODY_REFS).length} fields (statuses ${JSON.stringify(statuses)}); wrong answers ${failures.length}; leaks ${failures.filter((f) => f.includes(' LEAKS ')).length}`);
    expect(failures).toEqual([]);
  }, 120_000);
});

describe('scopes across the platform', () => {
  it('every public operation declares the scope of the one table, and the table names no operation that is gone', () => {
    const v1 = operations.filter(isV1);
    expect(v1.filter((op) => op.scope === undefined || op.scope !== OPERATION_SCOPES[op.key]).map((op) => `${op.key}: ${op.scope}`)).toEqual([]);
    // (the table also lists the unauthenticated account operations: the services document every /v1 route's scope)
    const everyV1 = operations.filter((op) => op.path.startsWith('/v1/'));
    expect(Object.keys(OPERATION_SCOPES).filter((key) => !everyV1.some((op) => op.key === key))).toEqual([]);
  });

  it('refuses every operation to a key lacking its scope with 403 AUTH_SCOPE_MISSING, and to no key with 401', async () => {
    const probes: (() => Promise<string | undefined>)[] = [];
    const keyRoles = ['admin', 'rA', 'cA1'] as const;
    for (const operation of operations.filter(isV1)) {
      const row = MATRIX[operation.key];
      const object = row ? world.objects[row.objects][0] : undefined;
      const url = object ? urlOf(operation.path, object.id, row?.query) : operation.path;
      const body = row?.body?.(object!) ?? (['POST', 'PUT', 'PATCH'].includes(operation.method) ? {} : undefined);
      for (const role of keyRoles) {
        const key = operation.scope === 'account:read' ? world.narrowKeys[role].feedOnly : world.narrowKeys[role].accountOnly;
        probes.push(async () => {
          const answer = await call(stack, operation.method, url, key, body);
          if (answer.status === 403 && answer.json?.code === 'AUTH_SCOPE_MISSING') return undefined;
          return `${operation.key} as ${role} without ${operation.scope}: ${answer.status} ${answer.text.slice(0, 200)}`;
        });
      }
      probes.push(async () => {
        const answer = await call(stack, operation.method, url, undefined, body);
        return answer.status === 401 ? undefined : `${operation.key} without a key: ${answer.status} ${answer.text.slice(0, 200)}`;
      });
    }
    const failures = (await inParallel(probes)).filter((f): f is string => f !== undefined);
    console.log(`scopes: ${probes.length} requests over ${operations.filter(isV1).length} operations; wrong answers ${failures.length}`);
    expect(failures).toEqual([]);
  }, 120_000);
});
