// The registry the authorization matrix (test/component/authorization-matrix.test.ts) runs over:
// every route that touches one object by id (in the path or in the body) and every list, with who
// may use it. Issue 4: caller × object over every object route, 0 leaks. Areas append their
// kinds and routes to OBJECT_ROUTES / LIST_ROUTES (R2: providers, offerings, relationships, orders…).
import { randomUUID } from 'node:crypto';
import { createApiKey } from '../../src/domain/api-keys';
import { createCustomer } from '../../src/domain/create-customer';
import { createProject } from '../../src/domain/projects';
import { createReseller } from '../../src/domain/create-reseller';
import type { ActorName, World } from './world';

/** Who an object belongs to: one of the seeded actors. */
export type OwnerName = ActorName;

/** The reseller each seeded actor is (or belongs to); null for the admin and the direct customer. */
export const RESELLER_OF: Record<ActorName, 'resellerA' | 'resellerB' | null> = {
  admin: null,
  resellerA: 'resellerA',
  resellerB: 'resellerB',
  customerA: 'resellerA',
  customerB: 'resellerB',
  direct: null,
};

/** The default rule (issue 4): admins see all; a reseller itself and its customers'; a customer its own. */
export function sees(caller: ActorName, owner: OwnerName): boolean {
  if (caller === 'admin') return true;
  if (caller === owner) return true;
  if (caller === 'resellerA' || caller === 'resellerB') return RESELLER_OF[owner] === caller && owner !== 'admin';
  return false;
}

/** A kind of object and how to make one belonging to an owner. */
export interface ObjectKind {
  name: string;
  owners: readonly OwnerName[];
  /** creates a fresh object owned by `owner` and returns its id */
  create(world: World, owner: OwnerName): Promise<string>;
}

export interface ObjectRoute {
  /** `METHOD path` as documented, e.g. `GET /v1/customers/:customerId` */
  name: string;
  method: 'get' | 'post' | 'patch' | 'delete';
  kind: ObjectKind;
  /** the request path for the object (constant when the id travels in the body) */
  path(id: string): string;
  /** a valid body, so that only authorization decides the answer */
  body?(id: string): object;
  /** status of an allowed call */
  success: number;
  /** callers refused by role whatever the object, with their fixed status (403, or 400 for a field they may not set) */
  refused?: Partial<Record<ActorName, number>>;
  /** who may act on whose object; default `sees` */
  allowed?(caller: ActorName, owner: OwnerName): boolean;
  /** the route changes the object so it cannot be repeated: use a fresh object per call */
  fresh?: boolean;
}

export interface ListRoute {
  name: string;
  path: string;
  kind: ObjectKind;
  refused?: Partial<Record<ActorName, number>>;
  allowed?(caller: ActorName, owner: OwnerName): boolean;
}

// ---- accounts (R1) ----------------------------------------------------------------------------

const CUSTOMERS = ['customerA', 'customerB', 'direct'] as const;
const EVERY_CUSTOMER_REFUSED = { customerA: 403, customerB: 403, direct: 403 } as const;
const ONLY_ADMIN = { resellerA: 403, resellerB: 403, ...EVERY_CUSTOMER_REFUSED } as const;
const adminOf = (world: World) => ({ type: 'admin' as const, id: world.ids.admin });

export const resellerKind: ObjectKind = {
  name: 'reseller',
  owners: ['resellerA', 'resellerB'],
  // the seeded resellers themselves: reseller objects cannot be made "for" another owner
  create: async (world, owner) => world.ids[owner],
};

export const customerKind: ObjectKind = {
  name: 'customer',
  owners: CUSTOMERS,
  create: async (world, owner) => world.ids[owner],
};

/**
 * A new customer filed like the owner (under its reseller, or direct), for routes that change a
 * customer; only admins and resellers reach these routes, for whom that filing is what decides.
 */
export const freshCustomerKind: ObjectKind = {
  name: 'customer (fresh)',
  owners: CUSTOMERS,
  async create(world, owner) {
    const reseller = RESELLER_OF[owner];
    const customer = await createCustomer(world.deps, adminOf(world), {
      name: `matrix customer ${randomUUID().slice(0, 8)}`,
      email: 'matrix@example.com',
      ...(reseller ? { resellerId: world.ids[reseller] } : {}),
    });
    return customer.id;
  },
};

export const projectKind: ObjectKind = {
  name: 'project',
  owners: CUSTOMERS,
  async create(world, owner) {
    const project = await createProject(world.deps, adminOf(world), { name: `matrix ${randomUUID().slice(0, 8)}`, customerId: world.ids[owner] });
    return project.id;
  },
};

export const apiKeyKind: ObjectKind = {
  name: 'api key',
  owners: ['admin', 'resellerA', 'resellerB', 'customerA', 'customerB', 'direct'],
  async create(world, owner) {
    const ownerType = owner === 'admin' ? 'admin' : owner.startsWith('reseller') ? 'reseller' : 'customer';
    const issued = await createApiKey(world.deps, adminOf(world), { name: 'matrix key', ownerType, ownerId: world.ids[owner] });
    return issued.apiKey.id;
  },
};

/** Resellers made on the spot so a list holds more than the seeded two. */
export const newResellerKind: ObjectKind = {
  name: 'reseller (new)',
  owners: ['resellerA', 'resellerB'],
  create: async (world) =>
    (await createReseller(world.deps, adminOf(world), { name: 'listed', email: 'l@example.com', commissionRateBps: 0, currency: 'EUR' })).id,
};

export const OBJECT_ROUTES: ObjectRoute[] = [
  { name: 'GET /v1/resellers/:resellerId', method: 'get', kind: resellerKind, path: (id) => `/v1/resellers/${id}`, success: 200, refused: ONLY_ADMIN },
  {
    name: 'PATCH /v1/resellers/:resellerId',
    method: 'patch',
    kind: resellerKind,
    path: (id) => `/v1/resellers/${id}`,
    body: () => ({ email: `ops-${randomUUID().slice(0, 8)}@example.com` }),
    success: 200,
    refused: ONLY_ADMIN,
  },
  { name: 'GET /v1/customers/:customerId', method: 'get', kind: customerKind, path: (id) => `/v1/customers/${id}`, success: 200 },
  {
    name: 'PATCH /v1/customers/:customerId',
    method: 'patch',
    kind: freshCustomerKind,
    path: (id) => `/v1/customers/${id}`,
    body: () => ({ name: 'renamed by matrix' }),
    success: 200,
    refused: EVERY_CUSTOMER_REFUSED,
    fresh: true,
  },
  {
    name: 'POST /v1/projects (customerId in body)',
    method: 'post',
    kind: customerKind,
    path: () => '/v1/projects',
    body: (id) => ({ name: 'matrix project', customerId: id }),
    success: 201,
    // a customer acts for itself and may not name a customer at all
    refused: { customerA: 400, customerB: 400, direct: 400 },
  },
  { name: 'GET /v1/projects/:projectId', method: 'get', kind: projectKind, path: (id) => `/v1/projects/${id}`, success: 200 },
  {
    name: 'PATCH /v1/projects/:projectId',
    method: 'patch',
    kind: projectKind,
    path: (id) => `/v1/projects/${id}`,
    body: () => ({ name: `renamed ${randomUUID().slice(0, 8)}` }),
    success: 200,
  },
  {
    name: 'POST /v1/projects/:projectId/archive',
    method: 'post',
    kind: projectKind,
    path: (id) => `/v1/projects/${id}/archive`,
    success: 200,
    fresh: true,
  },
  {
    name: 'POST /v1/api-keys (customer owner in body)',
    method: 'post',
    kind: customerKind,
    path: () => '/v1/api-keys',
    body: (id) => ({ name: 'matrix', ownerType: 'customer', ownerId: id }),
    success: 201,
  },
  {
    name: 'POST /v1/api-keys (reseller owner in body)',
    method: 'post',
    kind: resellerKind,
    path: () => '/v1/api-keys',
    body: (id) => ({ name: 'matrix', ownerType: 'reseller', ownerId: id }),
    success: 201,
    refused: EVERY_CUSTOMER_REFUSED,
  },
  { name: 'GET /v1/api-keys/:keyId', method: 'get', kind: apiKeyKind, path: (id) => `/v1/api-keys/${id}`, success: 200 },
  {
    name: 'POST /v1/api-keys/:keyId/revoke',
    method: 'post',
    kind: apiKeyKind,
    path: (id) => `/v1/api-keys/${id}/revoke`,
    success: 200,
    fresh: true,
  },
  {
    name: 'POST /v1/api-keys/:keyId/rotate',
    method: 'post',
    kind: apiKeyKind,
    path: (id) => `/v1/api-keys/${id}/rotate`,
    body: () => ({ graceSeconds: 60 }),
    success: 201,
    fresh: true,
  },
];

export const LIST_ROUTES: ListRoute[] = [
  { name: 'GET /v1/resellers', path: '/v1/resellers', kind: newResellerKind, refused: ONLY_ADMIN, allowed: (caller) => caller === 'admin' },
  { name: 'GET /v1/customers', path: '/v1/customers', kind: freshCustomerKind, refused: EVERY_CUSTOMER_REFUSED },
  { name: 'GET /v1/projects', path: '/v1/projects', kind: projectKind },
  { name: 'GET /v1/api-keys', path: '/v1/api-keys', kind: apiKeyKind },
];
