// /v1/commissions and the earnings summary (issue 16 items 1, 4): a reseller sees its own
// commissions and earnings, an admin anyone's and approves a commission before its holding period
// ends. GET /v1/resellers/{id}/earnings lives here, not in the reseller service: billing owns the
// money; the gateway routes /v1/resellers/*/earnings to billing (routing-table.ts).
import { pageSchema } from '@runfleet/contracts';
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import type { Request } from 'express';
import { z } from 'zod';
import { actorOf } from '../domain/actor';
import { approveCommission } from '../domain/approve-commissions';
import { readEarnings } from '../domain/earnings-summary';
import { getCommission, listCommissions } from '../domain/read-commissions';
import type { EarningsPolicy, UseCaseDeps } from '../domain/use-case-deps';
import { commissionJson, commissionListQuery, commissionSchema, earningsJson, earningsSchema, EXAMPLE_COMMISSION_ID } from './commissions.schemas';
import { EXAMPLE_IDS, idParams } from './common.schemas';

const commissionParams = idParams('commissionId', EXAMPLE_COMMISSION_ID);

export function registerCommissionRoutes(api: ApiRoutes, deps: UseCaseDeps, earnings: EarningsPolicy): void {
  const actor = (req: Request) => actorOf(principalFromRequest(req));

  api.route(
    {
      method: 'get',
      path: '/v1/commissions',
      summary: 'List commissions',
      description: 'Admins every reseller’s (filter `resellerId`); a reseller its own; customers none (403). Newest first.',
      tags: ['commissions'],
      request: { query: commissionListQuery },
      responses: { 200: { description: 'A page of commissions', schema: pageSchema(commissionSchema) } },
      errors: [403],
    },
    async ({ query }, req, res) => {
      const { from, to, ...rest } = query;
      const page = await listCommissions(deps, actor(req), {
        ...rest,
        ...(from !== undefined ? { from: new Date(from) } : {}),
        ...(to !== undefined ? { to: new Date(to) } : {}),
      });
      res.json({ items: page.items.map(commissionJson), nextCursor: page.nextCursor });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/commissions/:commissionId',
      summary: 'Get a commission',
      description: 'Another reseller’s commission is 404.',
      tags: ['commissions'],
      request: { params: commissionParams },
      responses: { 200: { description: 'The commission', schema: commissionSchema } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      res.json(commissionJson(await getCommission(deps, actor(req), params.commissionId)));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/commissions/:commissionId/approve',
      summary: 'Approve a commission early',
      description:
        'Admins only. Approves a pending earning (and its clawbacks) before its holding period ends and credits it to the ' +
        'reseller’s earnings wallet (ledger type commission, wallet.credited). Not pending, or a clawback: 409.',
      tags: ['commissions'],
      request: { params: commissionParams },
      responses: { 200: { description: 'The commission, approved', schema: commissionSchema } },
      errors: [403, 404, 409],
    },
    async ({ params }, req, res) => {
      res.json(commissionJson(await approveCommission(deps, actor(req), params.commissionId)));
    },
  );

  const earningsDoc = {
    summary: 'A reseller’s earnings summary',
    description:
      'Commissions pending, approved, paid and clawed back, in all, by month and by customer; the earnings wallet from the ' +
      'ledger (they agree to the micro-unit); the tier and what it takes to reach the next one. Served by billing.',
    tags: ['commissions'],
    responses: { 200: { description: 'The summary', schema: earningsSchema } },
    errors: [403, 404],
  };
  // declared before /:resellerId so `me` is not taken for an id
  api.route({ method: 'get', path: '/v1/resellers/me/earnings', ...earningsDoc, summary: 'My earnings summary (resellers)' }, async (_input, req, res) => {
    res.json(earningsJson(await readEarnings(deps, earnings, actor(req), 'me')));
  });
  api.route(
    {
      method: 'get',
      path: '/v1/resellers/:resellerId/earnings',
      ...earningsDoc,
      description: `${earningsDoc.description} Admins any reseller; a reseller only itself (another is 404).`,
      request: { params: z.strictObject({ resellerId: z.uuid().meta({ example: EXAMPLE_IDS.reseller, description: 'the reseller' }) }) },
    },
    async ({ params }, req, res) => {
      res.json(earningsJson(await readEarnings(deps, earnings, actor(req), params.resellerId)));
    },
  );
}
