// /v1/resellers (admins) and /v1/me (every account): thin routes over the reseller use cases.
import { z } from 'zod';
import { pageSchema, RESELLER_TIERS } from '@runfleet/contracts';
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import type { ResellerRecord } from '../data/reseller.repository';
import { actorOf } from '../domain/actor';
import { DEFAULT_CURRENCY } from '../domain/create-customer';
import { createReseller } from '../domain/create-reseller';
import { readMe } from '../domain/read-me';
import { getReseller, listResellers } from '../domain/read-resellers';
import { updateReseller } from '../domain/update-reseller';
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
import { customerJson, customerSchema } from './customers.routes';

const commissionRateBps = z
  .number()
  .int()
  .min(0)
  .max(5000)
  .meta({ description: 'base commission in basis points, 0–5000 (0–50 %)', example: 1500 });

export const resellerSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    email: z.string(),
    commissionRateBps: z.number().int(),
    active: z.boolean().meta({ description: 'false while suspended' }),
    tier: z.enum(RESELLER_TIERS),
    currency: z.string(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({
    example: {
      id: EXAMPLE_IDS.reseller,
      name: 'Cloudy Resale',
      email: 'ops@cloudy.example.com',
      commissionRateBps: 1500,
      active: true,
      tier: 'bronze',
      currency: 'EUR',
      createdAt: EXAMPLE_TIME,
      updatedAt: EXAMPLE_TIME,
    },
  });

export const resellerJson = (r: ResellerRecord): z.infer<typeof resellerSchema> => ({
  id: r.id,
  name: r.name,
  email: r.email,
  commissionRateBps: r.commissionRateBps,
  active: r.active,
  tier: r.tier,
  currency: r.currency,
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});

const createResellerBody = z
  .strictObject({
    name: nameSchema.meta({ example: 'Cloudy Resale' }),
    email: emailSchema.meta({ example: 'ops@cloudy.example.com' }),
    commissionRateBps,
    currency: currencyInput.optional().meta({ description: `commission wallet currency (default ${DEFAULT_CURRENCY})` }),
  })
  .meta({ example: { name: 'Cloudy Resale', email: 'ops@cloudy.example.com', commissionRateBps: 1500, currency: 'EUR' } });

const updateResellerBody = z
  .strictObject({
    name: nameSchema.optional(),
    email: emailSchema.optional(),
    commissionRateBps: commissionRateBps.optional(),
    active: z.boolean().optional().meta({ description: 'false suspends the reseller: its API keys stop working at once' }),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'name at least one field to change' })
  .meta({ example: { commissionRateBps: 2000 } });

const meSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('admin'), id: z.uuid() }),
    z.object({ type: z.literal('reseller'), reseller: resellerSchema }),
    z.object({ type: z.literal('customer'), customer: customerSchema }),
  ])
  .meta({ example: { type: 'admin', id: EXAMPLE_IDS.admin } });

const resellerParams = idParams('resellerId', EXAMPLE_IDS.reseller);

export function registerResellerRoutes(api: ApiRoutes, deps: UseCaseDeps): void {
  const actor = (req: Parameters<typeof principalFromRequest>[0]) => actorOf(principalFromRequest(req));

  api.route(
    {
      method: 'post',
      path: '/v1/resellers',
      summary: 'Create a reseller',
      description: 'Admins only. Emits reseller.created; audited.',
      tags: ['resellers'],
      request: { body: createResellerBody },
      responses: { 201: { description: 'The new reseller', schema: resellerSchema } },
      errors: [403],
      idempotencyKey: 'optional',
    },
    async ({ body }, req, res) => {
      const reseller = await createReseller(deps, actor(req), { ...body, currency: body.currency ?? DEFAULT_CURRENCY });
      res.status(201).json(resellerJson(reseller));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/resellers',
      summary: 'List resellers',
      description: 'Admins only. Newest first.',
      tags: ['resellers'],
      request: {
        query: listQuery({
          active: queryBoolean('only active (true) or only suspended (false) resellers').optional(),
          tier: z.enum(RESELLER_TIERS).optional().meta({ example: 'gold' }),
          q: searchQuery,
        }),
      },
      responses: { 200: { description: 'A page of resellers', schema: pageSchema(resellerSchema) } },
      errors: [403],
    },
    async ({ query }, req, res) => {
      const page = await listResellers(deps, actor(req), query);
      res.json({ items: page.items.map(resellerJson), nextCursor: page.nextCursor });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/resellers/:resellerId',
      summary: 'Get a reseller',
      description: 'Admins only; a reseller reads its own record at GET /v1/me.',
      tags: ['resellers'],
      request: { params: resellerParams },
      responses: { 200: { description: 'The reseller', schema: resellerSchema } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      res.json(resellerJson(await getReseller(deps, actor(req), params.resellerId)));
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/v1/resellers/:resellerId',
      summary: 'Update a reseller (details, commission, suspension)',
      description:
        'Admins only. `active: false` suspends the reseller (its API keys stop verifying); commission changes and ' +
        'suspensions are audited; any change emits reseller.updated.',
      tags: ['resellers'],
      request: { params: resellerParams, body: updateResellerBody },
      responses: { 200: { description: 'The reseller after the change', schema: resellerSchema } },
      errors: [403, 404],
    },
    async ({ params, body }, req, res) => {
      res.json(resellerJson(await updateReseller(deps, actor(req), params.resellerId, body)));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/me',
      summary: "The caller's own account",
      description: 'A reseller gets its record (with its tier), a customer its record, an admin its id.',
      tags: ['accounts'],
      responses: { 200: { description: 'The account', schema: meSchema } },
      errors: [403],
    },
    async (_input, req, res) => {
      const me = await readMe(deps, actor(req));
      if (me.type === 'admin') res.json(me);
      else if (me.type === 'reseller') res.json({ type: 'reseller', reseller: resellerJson(me.reseller) });
      else res.json({ type: 'customer', customer: customerJson(me.customer) });
    },
  );
}
