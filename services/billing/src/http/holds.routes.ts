// /v1/holds: money reserved for jobs, pending → posted | voided | expired (DESIGN.md §10), as each
// actor may see them: admins all, a reseller those on its customers' wallets, a customer its own.
import { z } from 'zod';
import { pageSchema } from '@runfleet/contracts';
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import type { Request } from 'express';
import type { HoldRecord } from '../data/hold.repository';
import { actorOf } from '../domain/actor';
import { getHold, listHolds } from '../domain/read-holds';
import type { UseCaseDeps } from '../domain/use-case-deps';
import { EXAMPLE_IDS, EXAMPLE_TIME, idParams, iso, listQuery, money, moneyOut, nullableTimestampSchema, timestampSchema } from './common.schemas';

const statusSchema = z.enum(['pending', 'posted', 'voided', 'expired']);

export const holdSchema = z
  .object({
    id: z.uuid(),
    walletId: z.uuid(),
    amount: moneyOut('reserved: the job’s maximum cost', '5.000000'),
    status: statusSchema,
    reference: z.object({ kind: z.string(), id: z.string() }).meta({ description: 'the job it is for' }),
    jobType: z.string().nullable(),
    priceListId: z.uuid().nullable().meta({ description: 'the price list version in force at submit, which prices the job' }),
    captured: moneyOut('what posting charged; null until posted', '1.870000').nullable(),
    expiresAt: nullableTimestampSchema,
    createdAt: timestampSchema,
    settledAt: nullableTimestampSchema,
  })
  .meta({
    example: {
      id: EXAMPLE_IDS.hold,
      walletId: EXAMPLE_IDS.wallet,
      amount: '5.000000',
      status: 'posted',
      reference: { kind: 'job', id: EXAMPLE_IDS.job },
      jobType: 'render',
      priceListId: EXAMPLE_IDS.priceList,
      captured: '1.870000',
      expiresAt: EXAMPLE_TIME,
      createdAt: EXAMPLE_TIME,
      settledAt: EXAMPLE_TIME,
    },
  });

const holdJson = (h: HoldRecord): z.infer<typeof holdSchema> => ({
  id: h.id,
  walletId: h.walletId,
  amount: money(h.amount),
  status: h.status,
  reference: { kind: h.referenceKind, id: h.referenceId },
  jobType: h.jobType,
  priceListId: h.priceListId,
  captured: h.captured === null ? null : money(h.captured),
  expiresAt: h.expiresAt ? iso(h.expiresAt) : null,
  createdAt: iso(h.createdAt),
  settledAt: h.settledAt ? iso(h.settledAt) : null,
});

export function registerHoldRoutes(api: ApiRoutes, deps: UseCaseDeps): void {
  const actor = (req: Request) => actorOf(principalFromRequest(req));

  api.route(
    {
      method: 'get',
      path: '/v1/holds',
      summary: 'List holds',
      description: 'Holds on the wallets the caller may see, newest first; filters `walletId`, `status`.',
      tags: ['holds'],
      request: { query: listQuery({ walletId: z.uuid().optional().meta({ example: EXAMPLE_IDS.wallet }), status: statusSchema.optional() }) },
      responses: { 200: { description: 'A page of holds', schema: pageSchema(holdSchema) } },
      errors: [403],
    },
    async ({ query }, req, res) => {
      const page = await listHolds(deps, actor(req), query);
      res.json({ items: page.items.map(holdJson), nextCursor: page.nextCursor });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/holds/:holdId',
      summary: 'Get a hold',
      description: 'A hold on a wallet the caller may not see is 404.',
      tags: ['holds'],
      request: { params: idParams('holdId', EXAMPLE_IDS.hold) },
      responses: { 200: { description: 'The hold', schema: holdSchema } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      res.json(holdJson(await getHold(deps, actor(req), params.holdId)));
    },
  );
}
