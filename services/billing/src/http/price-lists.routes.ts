// /v1/price-lists: the price of each job type per currency, versioned (issue 15 item 4). Admins
// set a price (a new version) or retire one; everyone reads the prices in force and a type's history.
import { z } from 'zod';
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import type { Request } from 'express';
import { actorOf } from '../domain/actor';
import { listPrices, listPriceVersions, retirePrice, setPrice } from '../domain/manage-price-lists';
import type { UseCaseDeps } from '../domain/use-case-deps';
import { jobTypeParams, priceListJson, priceListSchema, retireQuery, setPriceBody } from './price-lists.schemas';

export function registerPriceListRoutes(api: ApiRoutes, deps: UseCaseDeps): void {
  const actor = (req: Request) => actorOf(principalFromRequest(req));

  api.route(
    {
      method: 'get',
      path: '/v1/price-lists',
      summary: 'Prices in force',
      description: 'The version in force now of every job type and currency (retired ones left out).',
      tags: ['price-lists'],
      responses: { 200: { description: 'The prices in force', schema: z.object({ items: z.array(priceListSchema) }) } },
      errors: [403],
    },
    async (_input, req, res) => {
      actor(req);
      res.json({ items: (await listPrices(deps)).map(priceListJson) });
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/price-lists',
      summary: 'Set a job type’s price',
      description:
        'Admins only. Adds a version in force from `effectiveFrom` (default now); earlier versions stay, and a job is ' +
        'priced with the version in force when it was submitted. `resellerId` makes it an override for that reseller’s ' +
        'customers; `tiers` are graduated volume tiers over the customer’s units of the calendar month.',
      tags: ['price-lists'],
      request: { body: setPriceBody },
      responses: { 201: { description: 'The new version', schema: priceListSchema } },
      errors: [403],
    },
    async ({ body }, req, res) => {
      const { effectiveFrom, ...rest } = body;
      const input = { ...rest, ...(effectiveFrom !== undefined ? { effectiveFrom: new Date(effectiveFrom) } : {}) };
      res.status(201).json(priceListJson(await setPrice(deps, actor(req), input)));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/price-lists/:jobType/versions',
      summary: 'A job type’s price history',
      description: 'Every version, newest first.',
      tags: ['price-lists'],
      request: { params: jobTypeParams },
      responses: { 200: { description: 'The versions', schema: z.object({ items: z.array(priceListSchema) }) } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      actor(req);
      res.json({ items: (await listPriceVersions(deps, params.jobType)).map(priceListJson) });
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/v1/price-lists/:jobType',
      summary: 'Retire a job type’s price',
      description:
        'Admins only. From now on jobs of this type in this currency are refused (no_price); with `resellerId`, that ' +
        'reseller’s override ends and its customers pay the base price. The history stays.',
      tags: ['price-lists'],
      request: { params: jobTypeParams, query: retireQuery },
      responses: { 200: { description: 'The retiring version', schema: priceListSchema } },
      errors: [403, 404],
    },
    async ({ params, query }, req, res) => {
      res.json(priceListJson(await retirePrice(deps, actor(req), params.jobType, query.currency, query.resellerId ?? null)));
    },
  );
}
