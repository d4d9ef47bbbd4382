// POST /internal/runner-tokens/verify and /internal/registration-tokens/verify — the gateway's
// check of the registry's credentials (issue 14 item 1), in the shape of the reseller's API-key
// verification so the gateway's credential kinds treat them alike. Reachable only by the gateway.
import type { Request } from 'express';
import { AppError, principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import type { TokenDeps } from '../domain/use-case-deps';
import { verifyRegistrationToken, verifyRunnerToken } from '../domain/verify-tokens';
import { verifiedTokenSchema, verifyTokenBody } from './runner.schemas';

export const RUNNER_TOKEN_VERIFY_PATH = '/internal/runner-tokens/verify';
export const REGISTRATION_TOKEN_VERIFY_PATH = '/internal/registration-tokens/verify';
/** The only caller of the internal verify routes: the gateway, as a signed `service` principal. */
export const GATEWAY_SERVICE_ID = 'api-gateway';

function requireGateway(req: Request): void {
  const principal = principalFromRequest(req);
  if (principal.type !== 'service' || principal.id !== GATEWAY_SERVICE_ID) {
    throw AppError.forbidden('AUTH_FORBIDDEN', 'Only the gateway may verify tokens.');
  }
}

export function registerVerifyTokenRoutes(api: ApiRoutes, deps: TokenDeps): void {
  api.route(
    {
      method: 'post',
      path: RUNNER_TOKEN_VERIFY_PATH,
      summary: 'Verify a runner token (gateway only)',
      description:
        'Internal: callable only with a `service` principal for `api-gateway`. Answers the runner’s principal, or 401 ' +
        'AUTH_TOKEN_INVALID with one body for every failure (malformed, unknown, wrong secret, runner disabled or deleted).',
      tags: ['internal'],
      request: { body: verifyTokenBody },
      responses: { 200: { description: 'The principal the token stands for', schema: verifiedTokenSchema } },
      errors: [401, 403],
    },
    async ({ body }, req, res) => {
      requireGateway(req);
      res.json(await verifyRunnerToken(deps, body.key));
    },
  );

  api.route(
    {
      method: 'post',
      path: REGISTRATION_TOKEN_VERIFY_PATH,
      summary: 'Verify a registration token (gateway only)',
      description:
        'Internal: callable only with a `service` principal for `api-gateway`. Answers a `runner` principal whose id is the ' +
        'token’s and whose only scope is `runners:register` (good for POST /v1/runners alone), or 401 AUTH_TOKEN_INVALID.',
      tags: ['internal'],
      request: { body: verifyTokenBody },
      responses: { 200: { description: 'The principal the token stands for', schema: verifiedTokenSchema } },
      errors: [401, 403],
    },
    async ({ body }, req, res) => {
      requireGateway(req);
      res.json(await verifyRegistrationToken(deps, body.key));
    },
  );
}
