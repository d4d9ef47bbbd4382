// /v1/wallets: wallets as each actor may see them (admins all, a reseller its customers' and its
// own, a customer its own), their ledger with filters and cursor, and top-ups (POST credits, with a
// required Idempotency-Key kept by billing in the credit's transaction).
import { formatMoney, pageSchema } from '@runfleet/contracts';
import { idempotencyKeyFrom, REPLAYED_HEADER, requestFingerprint } from '@runfleet/idempotency';
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import type { Request, Response } from 'express';
import { actorOf } from '../domain/actor';
import { changeCreditSettings } from '../domain/change-credit-settings';
import { creditWallet } from '../domain/credit-wallet';
import { getWallet, listTransactions, listWallets } from '../domain/read-wallets';
import { refundCharge } from '../domain/refund-charge';
import type { UseCaseDeps } from '../domain/use-case-deps';
import { EXAMPLE_IDS, idParams } from './common.schemas';
import { writeCsv } from './transactions-csv';
import { creditBody, creditSettingsBody, refundBody, transactionJson, transactionListQuery, transactionSchema, walletJson, walletListQuery, walletSchema } from './wallets.schemas';

const walletParams = idParams('walletId', EXAMPLE_IDS.wallet);
const CSV_PAGE = 1_000;

/**
 * The request's Idempotency-Key (money-moving POSTs refuse to run without one, DESIGN.md §8) and
 * the fingerprint of what it asks: the operation, the wallet and the validated body.
 */
function idempotencyOf(req: Request, operation: string, input: Record<string, unknown>) {
  const key = idempotencyKeyFrom(req.headers, { required: true })!;
  return { key, fingerprint: requestFingerprint(operation, input) };
}

function created(res: Response, replayed: boolean): Response {
  if (replayed) res.setHeader(REPLAYED_HEADER, 'true');
  return res.status(201);
}

export function registerWalletRoutes(api: ApiRoutes, deps: UseCaseDeps): void {
  const actor = (req: Request) => actorOf(principalFromRequest(req));

  api.route(
    {
      method: 'get',
      path: '/v1/wallets',
      summary: 'List wallets',
      description: 'Admins all; a reseller its customers’ wallets and its own; a customer its own. Newest first.',
      tags: ['wallets'],
      request: { query: walletListQuery },
      responses: { 200: { description: 'A page of wallets', schema: pageSchema(walletSchema) } },
      errors: [403],
    },
    async ({ query }, req, res) => {
      const page = await listWallets(deps, actor(req), query);
      res.json({ items: page.items.map(walletJson), nextCursor: page.nextCursor });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/wallets/:walletId',
      summary: 'Get a wallet',
      description: 'Balance, reserved, available, credit limit and status. A wallet the caller may not see is 404.',
      tags: ['wallets'],
      request: { params: walletParams },
      responses: { 200: { description: 'The wallet', schema: walletSchema } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      res.json(walletJson(await getWallet(deps, actor(req), params.walletId)));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/wallets/:walletId/transactions',
      summary: 'List a wallet’s ledger',
      description:
        'Every balance and reserved change, newest first; filter by `type` and by time (`from` ≤ createdAt < `to`). ' +
        '`format=csv` answers every matching entry as text/csv instead of a page.',
      tags: ['wallets'],
      request: { params: walletParams, query: transactionListQuery },
      responses: { 200: { description: 'A page of ledger entries', schema: pageSchema(transactionSchema) } },
      errors: [403, 404],
    },
    async ({ params, query }, req, res) => {
      const who = actor(req);
      const filters = {
        ...(query.type !== undefined ? { types: query.type } : {}),
        ...(query.from !== undefined ? { from: new Date(query.from) } : {}),
        ...(query.to !== undefined ? { to: new Date(query.to) } : {}),
      };
      if (query.format === 'csv') {
        // the first page also checks the caller may see the wallet, before any byte is written
        const first = await listTransactions(deps, who, params.walletId, { ...filters, limit: CSV_PAGE });
        await writeCsv(res, `wallet-${params.walletId}-transactions.csv`, (cursor) =>
          cursor === undefined ? Promise.resolve(first) : listTransactions(deps, who, params.walletId, { ...filters, limit: CSV_PAGE, cursor }),
        );
        return;
      }
      const page = await listTransactions(deps, who, params.walletId, { ...filters, limit: query.limit, ...(query.cursor !== undefined ? { cursor: query.cursor } : {}) });
      res.json({ items: page.items.map(transactionJson), nextCursor: page.nextCursor });
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/wallets/:walletId/credits',
      summary: 'Credit a wallet',
      description:
        'Admins any wallet; a reseller its customers’ wallets (another wallet is 404). `kind: adjustment` is for admins. ' +
        'The currency must be the wallet’s. Requires an Idempotency-Key: a retry with the same key and body credits once ' +
        'and answers the same transaction; a different body under the key is 422. Emits wallet.credited.',
      tags: ['wallets'],
      request: { params: walletParams, body: creditBody },
      responses: { 201: { description: 'The ledger entry of the credit', schema: transactionSchema } },
      errors: [403, 404, 409, 422],
      idempotencyKey: 'required',
    },
    async ({ params, body }, req, res) => {
      const idempotency = idempotencyOf(req, 'POST /v1/wallets/{walletId}/credits', { ...params, ...body, amount: formatMoney(body.amount) });
      const { value, replayed } = await creditWallet(deps, actor(req), params.walletId, body, idempotency);
      created(res, replayed).json(transactionJson(value));
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/v1/wallets/:walletId',
      summary: 'Change a wallet’s credit settings',
      description:
        'Admins only. `creditLimit`, `creditStatus` (a wallet not active refuses new holds and orders), ' +
        '`lowBalanceThreshold`, and a `reason`; the change is kept in the wallet’s audit trail and emitted as ' +
        '`wallet.credit_changed` (a request that changes nothing is audited but not emitted). A limit below what ' +
        'the wallet already owes is 409 WALLET_CREDIT_LIMIT_TOO_LOW.',
      tags: ['wallets'],
      request: { params: walletParams, body: creditSettingsBody },
      responses: { 200: { description: 'The wallet after the change', schema: walletSchema } },
      errors: [403, 404, 409],
    },
    async ({ params, body }, req, res) => {
      res.json(walletJson(await changeCreditSettings(deps, actor(req), params.walletId, body)));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/wallets/:walletId/refunds',
      summary: 'Refund a charge',
      description:
        'Admins only. Gives back all or part of a charge of this wallet as a `refund` entry whose `refundOf` names the ' +
        'charge; the refunds of a charge never exceed it (409 REFUND_EXCEEDS_CHARGE). Requires an Idempotency-Key. ' +
        'Emits wallet.refunded.',
      tags: ['wallets'],
      request: { params: walletParams, body: refundBody },
      responses: { 201: { description: 'The ledger entry of the refund', schema: transactionSchema } },
      errors: [403, 404, 409, 422],
      idempotencyKey: 'required',
    },
    async ({ params, body }, req, res) => {
      const input = { transactionId: body.transactionId, reason: body.reason, ...(body.amount !== undefined ? { amount: body.amount } : {}) };
      const idempotency = idempotencyOf(req, 'POST /v1/wallets/{walletId}/refunds', { ...params, ...input, amount: input.amount === undefined ? null : formatMoney(input.amount) });
      const { value, replayed } = await refundCharge(deps, actor(req), params.walletId, input, idempotency);
      created(res, replayed).json(transactionJson(value));
    },
  );
}
