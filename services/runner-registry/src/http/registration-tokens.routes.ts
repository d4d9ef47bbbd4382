// /v1/registration-tokens: create (shown once), list, get, revoke (issue 14 item 1).
import { pageSchema } from '@runfleet/contracts';
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import { actorOf } from '../domain/actor';
import { createRegistrationToken, getRegistrationToken, listRegistrationTokens, revokeRegistrationToken } from '../domain/registration-tokens';
import type { TokenDeps } from '../domain/use-case-deps';
import { EXAMPLE_IDS, idParams, listQuery, queryBoolean } from './common.schemas';
import { createRegistrationTokenBody, issuedRegistrationTokenSchema, registrationTokenJson, registrationTokenSchema } from './registration-token.schemas';

const tokenParams = idParams('tokenId', EXAMPLE_IDS.registrationToken);

export function registerRegistrationTokenRoutes(api: ApiRoutes, deps: TokenDeps): void {
  const actor = (req: Parameters<typeof principalFromRequest>[0]) => actorOf(principalFromRequest(req));

  api.route(
    {
      method: 'post',
      path: '/v1/registration-tokens',
      summary: 'Create a registration token',
      description:
        'An admin creates shared tokens (or, with `customerId`, tokens for a customer); a customer creates tokens for its own ' +
        'runners, which then run only its jobs. The raw token is in `token` of this response only; it is stored as an HMAC.',
      tags: ['runners'],
      request: { body: createRegistrationTokenBody },
      responses: { 201: { description: 'The new token, with its raw value this once', schema: issuedRegistrationTokenSchema } },
      errors: [403, 404],
      idempotencyKey: 'optional',
    },
    async ({ body }, req, res) => {
      const issued = await createRegistrationToken(deps, actor(req), body);
      res.status(201).json({ ...registrationTokenJson(issued.record, deps.now()), token: issued.token });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/registration-tokens',
      summary: 'List registration tokens',
      description: 'Admins all; a reseller its customers’; a customer its own. Newest first.',
      tags: ['runners'],
      request: { query: listQuery({ revoked: queryBoolean('only revoked (true) or only unrevoked (false) tokens').optional() }) },
      responses: { 200: { description: 'A page of tokens (never their secrets)', schema: pageSchema(registrationTokenSchema) } },
      errors: [403],
    },
    async ({ query }, req, res) => {
      const page = await listRegistrationTokens(deps, actor(req), query);
      const now = deps.now();
      res.json({ items: page.items.map((t) => registrationTokenJson(t, now)), nextCursor: page.nextCursor });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/registration-tokens/:tokenId',
      summary: 'Get a registration token',
      tags: ['runners'],
      request: { params: tokenParams },
      responses: { 200: { description: 'The token', schema: registrationTokenSchema } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      res.json(registrationTokenJson(await getRegistrationToken(deps, actor(req), params.tokenId), deps.now()));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/registration-tokens/:tokenId/revoke',
      summary: 'Revoke a registration token',
      description: 'No runner can register with it from now on; runners it registered keep working. Revoking twice is 409.',
      tags: ['runners'],
      request: { params: tokenParams },
      responses: { 200: { description: 'The revoked token', schema: registrationTokenSchema } },
      errors: [403, 404, 409],
    },
    async ({ params }, req, res) => {
      res.json(registrationTokenJson(await revokeRegistrationToken(deps, actor(req), params.tokenId), deps.now()));
    },
  );
}
