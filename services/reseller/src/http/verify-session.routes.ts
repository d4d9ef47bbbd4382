// POST /internal/sessions/verify — the gateway's session check (issue 19), the twin of
// /internal/api-keys/verify: callable only by the gateway, one 401 AUTH_KEY_INVALID for every
// failure, the same 200 shape (the gateway's verifiedCredentialSchema) plus the principal's userId
// and sessionId. Declared with the other routes and also served on the fast lane (see
// verify-api-key.routes.ts verifyFastLane for why).
import express, { type Request, type Response, type Router } from 'express';
import {
  AppError,
  correlationMiddleware,
  principalFromRequest,
  problemErrorHandler,
  requirePrincipal,
  validate,
  type ApiRoutes,
  type Logger,
  type Metrics,
} from '@runfleet/service-kit';
import { verifySession } from '../domain/verify-session';
import type { SessionPolicy, VerifyDeps } from '../domain/use-case-deps';
import { verifiedSessionSchema, verifySessionBody } from './auth.schemas';
import { GATEWAY_SERVICE_ID } from './verify-api-key.routes';

export const VERIFY_SESSION_PATH = '/internal/sessions/verify';

export type SessionVerification = VerifyDeps & { sessions: SessionPolicy };

async function answer(deps: SessionVerification, key: string, req: Request, res: Response): Promise<void> {
  const principal = principalFromRequest(req);
  if (principal.type !== 'service' || principal.id !== GATEWAY_SERVICE_ID) {
    throw AppError.forbidden('AUTH_FORBIDDEN', 'Only the gateway may verify sessions.');
  }
  res.type('application/json').end(JSON.stringify(await verifySession(deps, key)));
}

export function registerVerifySessionRoute(api: ApiRoutes, deps: SessionVerification): void {
  api.route(
    {
      method: 'post',
      path: VERIFY_SESSION_PATH,
      summary: 'Verify a session token (gateway only)',
      description:
        'Internal: callable only with a `service` principal for `api-gateway`. Answers the session’s principal (with userId and ' +
        'sessionId), or 401 AUTH_KEY_INVALID with one body for every failure (malformed, unknown, revoked, idle, expired, account off). ' +
        'Moves the session’s idle clock on.',
      tags: ['internal'],
      request: { body: verifySessionBody },
      responses: { 200: { description: 'The principal the session stands for', schema: verifiedSessionSchema } },
      errors: [401, 403],
    },
    ({ body }, req, res) => answer(deps, body.key, req, res),
  );
}

/** The same route on the short chain, mounted in front of the kit's app. */
export function verifySessionFastLane(options: { deps: SessionVerification; principalSecret: string; metrics: Metrics; logger: Logger }): Router {
  const lane = express.Router();
  const validator = validate({ body: verifySessionBody });
  lane.post(
    VERIFY_SESSION_PATH,
    correlationMiddleware(),
    options.metrics.middleware,
    express.json({ limit: '16kb', type: ['application/json', 'application/*+json'] }),
    requirePrincipal(options.principalSecret),
    validator,
    (req, res) => answer(options.deps, validator.parsed(req).body.key, req, res),
  );
  lane.use(VERIFY_SESSION_PATH, problemErrorHandler(options.logger));
  return lane;
}
