// /v1/customers: a reseller manages its own customers, an admin all (direct ones too). Customers are
// deactivated with PATCH {active:false}, never deleted (there is no DELETE route).
import { z } from 'zod';
import { pageSchema } from '@runfleet/contracts';
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import type { CustomerRecord } from '../data/customer.repository';
import { actorOf } from '../domain/actor';
import { createCustomer, DEFAULT_CURRENCY } from '../domain/create-customer';
import { getCustomer, listCustomers } from '../domain/read-customers';
import { updateCustomer } from '../domain/update-customer';
import type { UseCaseDeps } from '../domain/use-case-deps';
import {
  currencyInput,
  emailSchema,
  EXAMPLE_IDS,
  EXAMPLE_TIME,
  idParams,
  iso,
  listQuery,
  nameSchema,
  queryBoolean,
  searchQuery,
  timestampSchema,
} from './common.schemas';

export const customerSchema = z
  .object({
    id: z.uuid(),
    resellerId: z.uuid().nullable().meta({ description: 'null for a direct customer' }),
    name: z.string(),
    email: z.string(),
    active: z.boolean().meta({ description: 'false once deactivated: its API keys stop working' }),
    currency: z.string().meta({ description: 'wallet currency; a reseller customer uses its reseller’s' }),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({
    example: {
      id: EXAMPLE_IDS.customer,
      resellerId: EXAMPLE_IDS.reseller,
      name: 'Ada Ltd',
      email: 'ada@example.com',
      active: true,
      currency: 'EUR',
      createdAt: EXAMPLE_TIME,
      updatedAt: EXAMPLE_TIME,
    },
  });

export const customerJson = (c: CustomerRecord): z.infer<typeof customerSchema> => ({
  id: c.id,
  resellerId: c.resellerId,
  name: c.name,
  email: c.email,
  active: c.active,
  currency: c.currency,
  createdAt: iso(c.createdAt),
  updatedAt: iso(c.updatedAt),
});

const createCustomerBody = z
  .strictObject({
    name: nameSchema.meta({ example: 'Ada Ltd' }),
    email: emailSchema.meta({ example: 'ada@example.com' }),
    currency: currencyInput
      .optional()
      .meta({ description: `wallet currency; defaults to the reseller's (must match it), else ${DEFAULT_CURRENCY}` }),
    resellerId: z
      .uuid()
      .optional()
      .meta({ description: 'admins only: create the customer under this reseller (a reseller may not set it)', example: EXAMPLE_IDS.reseller }),
  })
  .meta({ example: { name: 'Ada Ltd', email: 'ada@example.com' } });

const updateCustomerBody = z
  .strictObject({
    name: nameSchema.optional(),
    email: emailSchema.optional(),
    active: z.boolean().optional().meta({ description: 'false deactivates the customer (instead of deleting it); true reactivates' }),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'name at least one field to change' })
  .meta({ example: { active: false } });

const customerParams = idParams('customerId', EXAMPLE_IDS.customer);

export function registerCustomerRoutes(api: ApiRoutes, deps: UseCaseDeps): void {
  const actor = (req: Parameters<typeof principalFromRequest>[0]) => actorOf(principalFromRequest(req));

  api.route(
    {
      method: 'post',
      path: '/v1/customers',
      summary: 'Create a customer',
      description:
        'A reseller creates its own customers (the reseller is the caller, never the body). An admin creates direct ' +
        'customers, or customers of a reseller with `resellerId`. Emits customer.created.',
      tags: ['customers'],
      request: { body: createCustomerBody },
      responses: { 201: { description: 'The new customer', schema: customerSchema } },
      errors: [403, 404],
      idempotencyKey: 'optional',
    },
    async ({ body }, req, res) => {
      res.status(201).json(customerJson(await createCustomer(deps, actor(req), body)));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/customers',
      summary: 'List customers',
      description: 'Admins see all customers, a reseller its own; customers may not list. Newest first.',
      tags: ['customers'],
      request: {
        query: listQuery({
          active: queryBoolean('only active (true) or only deactivated (false) customers').optional(),
          resellerId: z.uuid().optional().meta({ description: 'admins only', example: EXAMPLE_IDS.reseller }),
          direct: queryBoolean('admins only: only direct customers (true) or only resellers’ (false)').optional(),
          q: searchQuery,
        }),
      },
      responses: { 200: { description: 'A page of customers', schema: pageSchema(customerSchema) } },
      errors: [403],
    },
    async ({ query }, req, res) => {
      const page = await listCustomers(deps, actor(req), query);
      res.json({ items: page.items.map(customerJson), nextCursor: page.nextCursor });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/customers/:customerId',
      summary: 'Get a customer',
      description: 'Admins any, a reseller its own, a customer itself; anything else is 404.',
      tags: ['customers'],
      request: { params: customerParams },
      responses: { 200: { description: 'The customer', schema: customerSchema } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      res.json(customerJson(await getCustomer(deps, actor(req), params.customerId)));
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/v1/customers/:customerId',
      summary: 'Update, deactivate or reactivate a customer',
      description:
        'Admins and the customer’s reseller. `active: false` deactivates (customers are never deleted) and its API ' +
        'keys stop verifying at once. Emits customer.updated.',
      tags: ['customers'],
      request: { params: customerParams, body: updateCustomerBody },
      responses: { 200: { description: 'The customer after the change', schema: customerSchema } },
      errors: [403, 404],
    },
    async ({ params, body }, req, res) => {
      res.json(customerJson(await updateCustomer(deps, actor(req), params.customerId, body)));
    },
  );
}
