// The registry the authorization matrix (test/component/authorization-matrix.test.ts) runs over:
// every route that touches one object by id (in the path or in the body) and every list, with who
// may use it. Issue 4: caller × object over every object route, 0 leaks. Areas append their
// kinds and routes to OBJECT_ROUTES / LIST_ROUTES (R2: providers, offerings, relationships, orders…).
import { randomUUID } from 'node:crypto';
import { createApiKey } from '../../src/domain/api-keys';
import { createCustomer } from '../../src/domain/create-customer';
import { createProject } from '../../src/domain/projects';
import { createReseller } from '../../src/domain/create-reseller';
import { createOffering, createProvider } from '../../src/domain/manage-catalog';
import { createRelationship } from '../../src/domain/manage-relationships';
import { placeOrder } from '../../src/domain/place-order';
import { markPaid } from './commerce-fixtures';
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

// ---- commerce (R2): providers, offerings, relationships, marketplace, orders, tiers -------------

const CATALOG_READERS = (caller: ActorName) => caller === 'admin' || caller === 'resellerA' || caller === 'resellerB';
const resellerActor = (world: World, owner: OwnerName) => ({ type: 'reseller' as const, id: world.ids[owner] });

/** The catalog belongs to the admins: every provider and offering is the admin's object. */
export const providerKind: ObjectKind = {
  name: 'provider',
  owners: ['admin'],
  create: async (world) => (await createProvider(world.deps, adminOf(world), { name: `matrix provider ${randomUUID()}` })).id,
};

export const offeringKind: ObjectKind = {
  name: 'offering',
  owners: ['admin'],
  async create(world) {
    const providerId = await providerKind.create(world, 'admin');
    return (await createOffering(world.deps, adminOf(world), providerId, { name: `matrix offering ${randomUUID()}`, basePriceMicros: 10_000_000n, currency: 'EUR', unit: 'month' })).id;
  },
};

/**
 * An offering resold by the owner reseller (owner admin: resold by nobody, so only direct customers
 * see it). Named to sort first, so a marketplace page of 100 holds it however many the matrix made.
 */
export const resoldOfferingKind: ObjectKind = {
  name: 'offering (resold by)',
  owners: ['resellerA', 'resellerB', 'admin'],
  async create(world, owner) {
    const providerId = await providerKind.create(world, 'admin');
    const offering = await createOffering(world.deps, adminOf(world), providerId, {
      name: `0 matrix ${randomUUID()}`,
      basePriceMicros: 10_000_000n,
      currency: 'EUR',
      unit: 'month',
    });
    if (owner !== 'admin') await createRelationship(world.deps, resellerActor(world, owner), { providerId, commissionBps: 1000 });
    return offering.id;
  },
};
/** Who may buy (or see in the marketplace) an offering resold by `owner`. */
const buys = (caller: ActorName, owner: OwnerName) => caller === 'direct' || RESELLER_OF[caller] === owner;

export const relationshipKind: ObjectKind = {
  name: 'relationship',
  owners: ['resellerA', 'resellerB'],
  async create(world, owner) {
    const providerId = await providerKind.create(world, 'admin');
    return (await createRelationship(world.deps, resellerActor(world, owner), { providerId, commissionBps: 500 })).id;
  },
};

// One offering every customer can buy (resold by both resellers), made once per world.
const orderableOffering = new WeakMap<World, Promise<string>>();
function offeringEveryoneBuys(world: World): Promise<string> {
  let offering = orderableOffering.get(world);
  if (!offering) {
    offering = (async () => {
      const providerId = await providerKind.create(world, 'admin');
      const created = await createOffering(world.deps, adminOf(world), providerId, { name: 'matrix orderable', basePriceMicros: 5_000_000n, currency: 'EUR', unit: 'unit' });
      for (const reseller of ['resellerA', 'resellerB'] as const) {
        await createRelationship(world.deps, resellerActor(world, reseller), { providerId, commissionBps: 100 });
      }
      return created.id;
    })();
    orderableOffering.set(world, offering);
  }
  return offering;
}

/** A pending order placed by the owner customer. */
export const orderKind: ObjectKind = {
  name: 'order',
  owners: CUSTOMERS,
  async create(world, owner) {
    const customer = { type: 'customer' as const, id: world.ids[owner], resellerId: RESELLER_OF[owner] ? world.ids[RESELLER_OF[owner]] : null };
    return (await placeOrder(world.deps, customer, { offeringId: await offeringEveryoneBuys(world), quantity: 1 }, randomUUID())).order.id;
  },
};

/** A paid order of the owner customer (billing's order.paid applied). */
export const paidOrderKind: ObjectKind = {
  name: 'order (paid)',
  owners: CUSTOMERS,
  async create(world, owner) {
    const id = await orderKind.create(world, owner);
    await markPaid(world, id);
    return id;
  },
};

OBJECT_ROUTES.push(
  { name: 'GET /v1/providers/:providerId', method: 'get', kind: providerKind, path: (id) => `/v1/providers/${id}`, success: 200, refused: EVERY_CUSTOMER_REFUSED, allowed: CATALOG_READERS },
  {
    name: 'PATCH /v1/providers/:providerId',
    method: 'patch',
    kind: providerKind,
    path: (id) => `/v1/providers/${id}`,
    body: () => ({ description: `changed ${randomUUID().slice(0, 8)}` }),
    success: 200,
    refused: ONLY_ADMIN,
  },
  { name: 'DELETE /v1/providers/:providerId', method: 'delete', kind: providerKind, path: (id) => `/v1/providers/${id}`, success: 204, refused: ONLY_ADMIN, fresh: true },
  {
    name: 'POST /v1/providers/:providerId/offerings',
    method: 'post',
    kind: providerKind,
    path: (id) => `/v1/providers/${id}/offerings`,
    body: () => ({ name: 'matrix added', basePrice: '1.00', currency: 'EUR', unit: 'unit' }),
    success: 201,
    refused: ONLY_ADMIN,
  },
  {
    name: 'GET /v1/providers/:providerId/offerings',
    method: 'get',
    kind: providerKind,
    path: (id) => `/v1/providers/${id}/offerings`,
    success: 200,
    refused: EVERY_CUSTOMER_REFUSED,
    allowed: CATALOG_READERS,
  },
  { name: 'GET /v1/offerings/:offeringId', method: 'get', kind: offeringKind, path: (id) => `/v1/offerings/${id}`, success: 200, refused: EVERY_CUSTOMER_REFUSED, allowed: CATALOG_READERS },
  {
    name: 'PATCH /v1/offerings/:offeringId',
    method: 'patch',
    kind: offeringKind,
    path: (id) => `/v1/offerings/${id}`,
    body: () => ({ description: `changed ${randomUUID().slice(0, 8)}` }),
    success: 200,
    refused: ONLY_ADMIN,
  },
  { name: 'DELETE /v1/offerings/:offeringId', method: 'delete', kind: offeringKind, path: (id) => `/v1/offerings/${id}`, success: 204, refused: ONLY_ADMIN, fresh: true },
  {
    name: 'POST /v1/relationships (providerId in body)',
    method: 'post',
    kind: providerKind,
    path: () => '/v1/relationships',
    body: (id) => ({ providerId: id, commissionBps: 1000 }),
    success: 201,
    // an admin must name the reseller (400 body.resellerId) before any provider is looked at
    refused: { admin: 400, ...EVERY_CUSTOMER_REFUSED },
    allowed: CATALOG_READERS,
    fresh: true,
  },
  { name: 'GET /v1/relationships/:relationshipId', method: 'get', kind: relationshipKind, path: (id) => `/v1/relationships/${id}`, success: 200, refused: EVERY_CUSTOMER_REFUSED },
  {
    name: 'PATCH /v1/relationships/:relationshipId',
    method: 'patch',
    kind: relationshipKind,
    path: (id) => `/v1/relationships/${id}`,
    body: () => ({ commissionBps: Math.floor(Math.random() * 5000) }),
    success: 200,
    refused: EVERY_CUSTOMER_REFUSED,
  },
  {
    name: 'DELETE /v1/relationships/:relationshipId',
    method: 'delete',
    kind: relationshipKind,
    path: (id) => `/v1/relationships/${id}`,
    success: 204,
    refused: EVERY_CUSTOMER_REFUSED,
    fresh: true,
  },
  {
    name: 'POST /v1/orders (offeringId in body)',
    method: 'post',
    kind: resoldOfferingKind,
    path: () => '/v1/orders',
    body: (id) => ({ offeringId: id }),
    success: 201,
    refused: { admin: 403, resellerA: 403, resellerB: 403 },
    allowed: buys,
  },
  { name: 'GET /v1/orders/:orderId', method: 'get', kind: orderKind, path: (id) => `/v1/orders/${id}`, success: 200 },
  {
    name: 'POST /v1/orders/:orderId/cancel',
    method: 'post',
    kind: orderKind,
    path: (id) => `/v1/orders/${id}/cancel`,
    body: () => ({ reason: 'matrix' }),
    success: 200,
    fresh: true,
  },
  {
    name: 'POST /v1/orders/:orderId/fulfil',
    method: 'post',
    kind: paidOrderKind,
    path: (id) => `/v1/orders/${id}/fulfil`,
    body: () => ({ externalOrderId: 'matrix-1', details: { matrix: true } }),
    success: 200,
    refused: EVERY_CUSTOMER_REFUSED,
    fresh: true,
  },
  {
    name: 'POST /v1/orders/:orderId/fail',
    method: 'post',
    kind: paidOrderKind,
    path: (id) => `/v1/orders/${id}/fail`,
    body: () => ({ reason: 'matrix' }),
    success: 200,
    refused: EVERY_CUSTOMER_REFUSED,
    fresh: true,
  },
  { name: 'GET /v1/resellers/:resellerId/tier', method: 'get', kind: resellerKind, path: (id) => `/v1/resellers/${id}/tier`, success: 200, refused: EVERY_CUSTOMER_REFUSED },
);

LIST_ROUTES.push(
  { name: 'GET /v1/providers', path: '/v1/providers', kind: providerKind, refused: EVERY_CUSTOMER_REFUSED, allowed: CATALOG_READERS },
  { name: 'GET /v1/relationships', path: '/v1/relationships', kind: relationshipKind, refused: EVERY_CUSTOMER_REFUSED },
  { name: 'GET /v1/orders', path: '/v1/orders', kind: orderKind },
  {
    name: 'GET /v1/marketplace/offerings',
    path: '/v1/marketplace/offerings',
    kind: resoldOfferingKind,
    refused: { admin: 403 },
    // a reseller sees its customers' marketplace
    allowed: (caller, owner) => buys(caller, owner) || caller === owner,
  },
);
