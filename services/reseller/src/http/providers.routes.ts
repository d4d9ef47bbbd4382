// /v1/providers and /v1/offerings: the catalog of external providers and their offerings. Admins
// create, change and remove them; resellers read the active ones (what they may resell), each
// provider with the reseller's own relationship to it. Customers shop in /v1/marketplace instead.
import { z } from 'zod';
import { formatMoney, pageSchema, parseMoney } from '@runfleet/contracts';
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import type { Request } from 'express';
import type { OfferingRecord } from '../data/offering.repository';
import { actorOf } from '../domain/actor';
import {
  createOffering,
  createProvider,
  removeOffering,
  removeProvider,
  updateOffering,
  updateProvider,
} from '../domain/manage-catalog';
import { getOffering, getProvider, listOfferings, listProviders, type ProviderView } from '../domain/read-catalog';
import type { UseCaseDeps } from '../domain/use-case-deps';
import { COMMERCE_EXAMPLE_IDS, moneyOut, priceInput } from './commerce.schemas';
import { currencyInput, EXAMPLE_TIME, idParams, iso, listQuery, nameSchema, queryBoolean, searchQuery, timestampSchema } from './common.schemas';

const descriptionSchema = z.string().trim().max(2000);
const unitSchema = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .meta({ description: 'what one unit of the price is: month, GB, hour, unit…', example: 'month' });

export const providerSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    active: z.boolean().meta({ description: 'false: hidden from resellers and the marketplace' }),
    relationship: z
      .object({ id: z.uuid(), status: z.enum(['active', 'suspended']), commissionBps: z.number().int() })
      .nullable()
      .optional()
      .meta({ description: 'resellers only: the caller’s relationship with this provider, or null when it has none' }),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({
    example: {
      id: COMMERCE_EXAMPLE_IDS.provider,
      name: 'Acme Cloud',
      description: 'Managed databases',
      active: true,
      relationship: null,
      createdAt: EXAMPLE_TIME,
      updatedAt: EXAMPLE_TIME,
    },
  });

export const providerJson = (p: ProviderView): z.infer<typeof providerSchema> => ({
  id: p.id,
  name: p.name,
  description: p.description,
  active: p.active,
  ...('relationship' in p
    ? { relationship: p.relationship && { id: p.relationship.id, status: p.relationship.status as 'active' | 'suspended', commissionBps: p.relationship.commissionBps } }
    : {}),
  createdAt: iso(p.createdAt),
  updatedAt: iso(p.updatedAt),
});

export const offeringSchema = z
  .object({
    id: z.uuid(),
    providerId: z.uuid(),
    name: z.string(),
    description: z.string(),
    basePrice: moneyOut('the provider’s price of one unit', '100.000000'),
    currency: z.string(),
    unit: z.string(),
    active: z.boolean().meta({ description: 'false: not in the marketplace, cannot be ordered' }),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({
    example: {
      id: COMMERCE_EXAMPLE_IDS.offering,
      providerId: COMMERCE_EXAMPLE_IDS.provider,
      name: 'Postgres S',
      description: '2 vCPU, 4 GB RAM',
      basePrice: '100.000000',
      currency: 'EUR',
      unit: 'month',
      active: true,
      createdAt: EXAMPLE_TIME,
      updatedAt: EXAMPLE_TIME,
    },
  });

export const offeringJson = (o: OfferingRecord): z.infer<typeof offeringSchema> => ({
  id: o.id,
  providerId: o.providerId,
  name: o.name,
  description: o.description,
  basePrice: formatMoney(o.basePriceMicros),
  currency: o.currency,
  unit: o.unit,
  active: o.active,
  createdAt: iso(o.createdAt),
  updatedAt: iso(o.updatedAt),
});

const atLeastOneField = { message: 'name at least one field to change' };

const createProviderBody = z
  .strictObject({
    name: nameSchema.meta({ example: 'Acme Cloud', description: 'unique, ignoring case' }),
    description: descriptionSchema.optional().meta({ example: 'Managed databases' }),
    active: z.boolean().optional().meta({ description: 'default true' }),
  })
  .meta({ example: { name: 'Acme Cloud', description: 'Managed databases' } });

const updateProviderBody = z
  .strictObject({
    name: nameSchema.optional(),
    description: descriptionSchema.optional(),
    active: z.boolean().optional().meta({ description: 'false hides the provider and its offerings; true shows them again' }),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), atLeastOneField)
  .meta({ example: { description: 'Managed databases and caches' } });

const createOfferingBody = z
  .strictObject({
    name: nameSchema.meta({ example: 'Postgres S' }),
    description: descriptionSchema.optional().meta({ example: '2 vCPU, 4 GB RAM' }),
    basePrice: priceInput,
    currency: currencyInput,
    unit: unitSchema,
    active: z.boolean().optional().meta({ description: 'default true' }),
  })
  .meta({ example: { name: 'Postgres S', description: '2 vCPU, 4 GB RAM', basePrice: '100.00', currency: 'EUR', unit: 'month' } });

const updateOfferingBody = z
  .strictObject({
    name: nameSchema.optional(),
    description: descriptionSchema.optional(),
    basePrice: priceInput.optional(),
    currency: currencyInput.optional(),
    unit: unitSchema.optional(),
    active: z.boolean().optional().meta({ description: 'false withdraws it from the marketplace; true offers it again' }),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), atLeastOneField)
  .meta({ example: { basePrice: '110.00' } });

const providerParams = idParams('providerId', COMMERCE_EXAMPLE_IDS.provider);
const offeringParams = idParams('offeringId', COMMERCE_EXAMPLE_IDS.offering);

const REMOVAL =
  'Removes it when nothing refers to it (204). When an order — or, for a provider, a reseller relationship — refers ' +
  'to it, it is deactivated instead (200 with the deactivated object): it leaves the marketplace and cannot be ' +
  'ordered, while existing orders keep their frozen snapshot.';

export function registerProviderRoutes(api: ApiRoutes, deps: UseCaseDeps): void {
  const actor = (req: Request) => actorOf(principalFromRequest(req));

  api.route(
    {
      method: 'post',
      path: '/v1/providers',
      summary: 'Create an external provider',
      description: 'Admins only. Names are unique ignoring case (409 PROVIDER_NAME_TAKEN).',
      tags: ['providers'],
      request: { body: createProviderBody },
      responses: { 201: { description: 'The new provider', schema: providerSchema } },
      errors: [403, 409],
      idempotencyKey: 'optional',
    },
    async ({ body }, req, res) => {
      res.status(201).json(providerJson(await createProvider(deps, actor(req), body)));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/providers',
      summary: 'List providers (for a reseller: those available for reselling)',
      description:
        'Admins see every provider. A reseller sees the active ones, each with `relationship` — its own relationship ' +
        'with that provider, or null when it does not resell it yet. Customers may not list (403). Newest first.',
      tags: ['providers'],
      request: {
        query: listQuery({
          active: queryBoolean('only active (true) or only inactive (false) providers; resellers only ever see active ones').optional(),
          q: searchQuery,
        }),
      },
      responses: { 200: { description: 'A page of providers', schema: pageSchema(providerSchema) } },
      errors: [403],
    },
    async ({ query }, req, res) => {
      const page = await listProviders(deps, actor(req), query);
      res.json({ items: page.items.map(providerJson), nextCursor: page.nextCursor });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/providers/:providerId',
      summary: 'Get a provider',
      description: 'Admins any; a reseller an active one (with its relationship); an inactive provider is 404 to a reseller.',
      tags: ['providers'],
      request: { params: providerParams },
      responses: { 200: { description: 'The provider', schema: providerSchema } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      res.json(providerJson(await getProvider(deps, actor(req), params.providerId)));
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/v1/providers/:providerId',
      summary: 'Update, deactivate or reactivate a provider',
      description: 'Admins only.',
      tags: ['providers'],
      request: { params: providerParams, body: updateProviderBody },
      responses: { 200: { description: 'The provider after the change', schema: providerSchema } },
      errors: [403, 404, 409],
    },
    async ({ params, body }, req, res) => {
      res.json(providerJson(await updateProvider(deps, actor(req), params.providerId, body)));
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/v1/providers/:providerId',
      summary: 'Remove a provider (or deactivate it if referenced)',
      description: `Admins only. ${REMOVAL} Deleting a provider deletes its offerings with it.`,
      tags: ['providers'],
      request: { params: providerParams },
      responses: {
        200: { description: 'Still referenced: deactivated instead', schema: providerSchema },
        204: { description: 'Deleted, with its offerings' },
      },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      const result = await removeProvider(deps, actor(req), params.providerId);
      if (result.removed) res.status(204).end();
      else res.json(providerJson(result.deactivated));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/providers/:providerId/offerings',
      summary: 'Add an offering to a provider',
      description: 'Admins only. `basePrice` is the provider’s price of one `unit`, in `currency`.',
      tags: ['offerings'],
      request: { params: providerParams, body: createOfferingBody },
      responses: { 201: { description: 'The new offering', schema: offeringSchema } },
      errors: [403, 404],
      idempotencyKey: 'optional',
    },
    async ({ params, body }, req, res) => {
      const { basePrice, ...rest } = body;
      const offering = await createOffering(deps, actor(req), params.providerId, { ...rest, basePriceMicros: parseMoney(basePrice, 'body.basePrice') });
      res.status(201).json(offeringJson(offering));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/providers/:providerId/offerings',
      summary: 'List a provider’s offerings',
      description: 'Admins see all; a reseller the active offerings of an active provider. Newest first.',
      tags: ['offerings'],
      request: {
        params: providerParams,
        query: listQuery({
          active: queryBoolean('only active (true) or only inactive (false) offerings').optional(),
          q: searchQuery,
        }),
      },
      responses: { 200: { description: 'A page of offerings', schema: pageSchema(offeringSchema) } },
      errors: [403, 404],
    },
    async ({ params, query }, req, res) => {
      const page = await listOfferings(deps, actor(req), { ...query, providerId: params.providerId });
      res.json({ items: page.items.map(offeringJson), nextCursor: page.nextCursor });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/offerings/:offeringId',
      summary: 'Get an offering',
      description: 'Admins any; a reseller an active offering of an active provider (else 404).',
      tags: ['offerings'],
      request: { params: offeringParams },
      responses: { 200: { description: 'The offering', schema: offeringSchema } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      res.json(offeringJson(await getOffering(deps, actor(req), params.offeringId)));
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/v1/offerings/:offeringId',
      summary: 'Update, deactivate or reactivate an offering',
      description: 'Admins only. A new base price applies to orders placed from now on; placed orders keep theirs.',
      tags: ['offerings'],
      request: { params: offeringParams, body: updateOfferingBody },
      responses: { 200: { description: 'The offering after the change', schema: offeringSchema } },
      errors: [403, 404],
    },
    async ({ params, body }, req, res) => {
      const { basePrice, ...rest } = body;
      const changes = { ...rest, ...(basePrice !== undefined ? { basePriceMicros: parseMoney(basePrice, 'body.basePrice') } : {}) };
      res.json(offeringJson(await updateOffering(deps, actor(req), params.offeringId, changes)));
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/v1/offerings/:offeringId',
      summary: 'Remove an offering (or deactivate it if ordered)',
      description: `Admins only. ${REMOVAL}`,
      tags: ['offerings'],
      request: { params: offeringParams },
      responses: {
        200: { description: 'Ordered before: deactivated instead', schema: offeringSchema },
        204: { description: 'Deleted' },
      },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      const result = await removeOffering(deps, actor(req), params.offeringId);
      if (result.removed) res.status(204).end();
      else res.json(offeringJson(result.deactivated));
    },
  );
}
