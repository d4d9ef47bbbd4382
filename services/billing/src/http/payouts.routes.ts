// /v1/payout-methods and /v1/payouts (issue 16 item 3): a reseller stores payout methods (shown
// masked) and requests payouts of its available earnings (Idempotency-Key required); an admin
// moves a payout on — by hand, or through the payout provider.
import { formatMoney, pageSchema } from '@runfleet/contracts';
import { idempotencyKeyFrom, REPLAYED_HEADER, requestFingerprint } from '@runfleet/idempotency';
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import type { Request } from 'express';
import { actorOf } from '../domain/actor';
import { addPayoutMethod, getPayoutMethod, listPayoutMethods } from '../domain/payout-methods';
import type { PayoutDetailsCipher } from '../domain/payout-details-cipher';
import type { PayoutProvider } from '../domain/payout-provider';
import { getPayout, listPayouts } from '../domain/read-payouts';
import { requestPayout } from '../domain/request-payout';
import { completePayout, failPayout, processPayout } from '../domain/settle-payout';
import type { EarningsPolicy, UseCaseDeps } from '../domain/use-case-deps';
import { idParams } from './common.schemas';
import {
  completeBody,
  EXAMPLE_METHOD_ID,
  EXAMPLE_PAYOUT_ID,
  failBody,
  payoutBody,
  payoutJson,
  payoutListQuery,
  payoutMethodBody,
  payoutMethodJson,
  payoutMethodListQuery,
  payoutMethodSchema,
  payoutSchema,
} from './payouts.schemas';

const payoutParams = idParams('payoutId', EXAMPLE_PAYOUT_ID);
const methodParams = idParams('methodId', EXAMPLE_METHOD_ID);

export function registerPayoutRoutes(api: ApiRoutes, deps: UseCaseDeps & { cipher: PayoutDetailsCipher }, earnings: EarningsPolicy, provider: PayoutProvider): void {
  const actor = (req: Request) => actorOf(principalFromRequest(req));

  api.route(
    {
      method: 'post',
      path: '/v1/payout-methods',
      summary: 'Add a payout method',
      description: 'Resellers only: a bank account (`bank_transfer`, IBAN checked) or a PayPal address. The details are kept sealed (encrypted) for payouts and answered only masked.',
      tags: ['payouts'],
      request: { body: payoutMethodBody },
      responses: { 201: { description: 'The payout method, masked', schema: payoutMethodSchema } },
      errors: [403],
    },
    async ({ body }, req, res) => {
      res.status(201).json(payoutMethodJson(await addPayoutMethod(deps, actor(req), body)));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/payout-methods',
      summary: 'List payout methods',
      description: 'A reseller its own; admins every reseller’s (filter `resellerId`). Masked. Newest first.',
      tags: ['payouts'],
      request: { query: payoutMethodListQuery },
      responses: { 200: { description: 'A page of payout methods', schema: pageSchema(payoutMethodSchema) } },
      errors: [403],
    },
    async ({ query }, req, res) => {
      const page = await listPayoutMethods(deps, actor(req), query);
      res.json({ items: page.items.map(payoutMethodJson), nextCursor: page.nextCursor });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/payout-methods/:methodId',
      summary: 'Get a payout method',
      tags: ['payouts'],
      request: { params: methodParams },
      responses: { 200: { description: 'The payout method, masked', schema: payoutMethodSchema } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      res.json(payoutMethodJson(await getPayoutMethod(deps, actor(req), params.methodId)));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/payouts',
      summary: 'Request a payout',
      description:
        'Resellers only. Withdraws `amount` of the earnings wallet’s available balance to one of its payout methods: at least the ' +
        'configured minimum (400 naming body.amount), at most what is available (409 PAYOUT_EXCEEDS_AVAILABLE). The amount is held ' +
        'on the wallet until the payout completes (posted) or fails (released). Requires an Idempotency-Key. Emits payout.requested.',
      tags: ['payouts'],
      request: { body: payoutBody },
      responses: { 201: { description: 'The payout, requested', schema: payoutSchema } },
      errors: [403, 404, 409, 422],
      idempotencyKey: 'required',
    },
    async ({ body }, req, res) => {
      const key = idempotencyKeyFrom(req.headers, { required: true })!;
      const fingerprint = requestFingerprint('POST /v1/payouts', { amount: formatMoney(body.amount), methodId: body.methodId });
      const { value, replayed } = await requestPayout(deps, earnings, actor(req), body, { key, fingerprint });
      if (replayed) res.setHeader(REPLAYED_HEADER, 'true');
      res.status(201).json(payoutJson(value));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/payouts',
      summary: 'List payouts',
      description: 'A reseller its own; admins every reseller’s (filter `resellerId`). Newest first.',
      tags: ['payouts'],
      request: { query: payoutListQuery },
      responses: { 200: { description: 'A page of payouts', schema: pageSchema(payoutSchema) } },
      errors: [403],
    },
    async ({ query }, req, res) => {
      const page = await listPayouts(deps, actor(req), query);
      res.json({ items: page.items.map(payoutJson), nextCursor: page.nextCursor });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/payouts/:payoutId',
      summary: 'Get a payout',
      description: 'Another reseller’s payout is 404.',
      tags: ['payouts'],
      request: { params: payoutParams },
      responses: { 200: { description: 'The payout', schema: payoutSchema } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      res.json(payoutJson(await getPayout(deps, actor(req), params.payoutId)));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/payouts/:payoutId/process',
      summary: 'Send a payout through the payout provider',
      description:
        'Admins only. Marks the payout processing and has the payout provider send it; its answer completes or fails the payout, ' +
        'or leaves it processing (an answer that comes later, or the manual provider: record the outcome with /complete or /fail). ' +
        'A provider that cannot be reached: 502, the payout stays processing. An ended payout: 409.',
      tags: ['payouts'],
      request: { params: payoutParams },
      responses: { 200: { description: 'The payout after the provider’s answer', schema: payoutSchema } },
      errors: [403, 404, 409, 502],
    },
    async ({ params }, req, res) => {
      res.json(payoutJson(await processPayout(deps, provider, actor(req), params.payoutId)));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/payouts/:payoutId/complete',
      summary: 'Record a payout as sent',
      description: 'Admins only. Posts the payout’s hold (ledger type payout), marks the commissions it pays as paid, emits payout.completed. An ended payout: 409.',
      tags: ['payouts'],
      request: { params: payoutParams, body: completeBody },
      responses: { 200: { description: 'The payout, completed', schema: payoutSchema } },
      errors: [403, 404, 409],
    },
    async ({ params, body }, req, res) => {
      res.json(payoutJson(await completePayout(deps, actor(req), params.payoutId, body.reference)));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/payouts/:payoutId/fail',
      summary: 'Record a payout as failed',
      description: 'Admins only. Releases the payout’s hold (the amount is available again), emits payout.failed. An ended payout: 409.',
      tags: ['payouts'],
      request: { params: payoutParams, body: failBody },
      responses: { 200: { description: 'The payout, failed', schema: payoutSchema } },
      errors: [403, 404, 409],
    },
    async ({ params, body }, req, res) => {
      res.json(payoutJson(await failPayout(deps, actor(req), params.payoutId, body.reason)));
    },
  );
}
