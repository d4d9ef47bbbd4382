// POST /internal/sessions/verify — the gateway's session check (issue 19), the twin of
// /internal/api-keys/verify: callable only by the gateway, one 401 AUTH_KEY_INVALID for every
// failure, the same 200 shape (the gateway's verifiedCredentialSchema) plus the principal's userId
// and sessionId. Declared with the other routes and also served on the fast lane (see
// gateway-fast-lane.ts for why).
import type { Request, Response, Router } from 'express';
import type { ApiRoutes } from '@runfleet/service-kit';
import { verifySession } from '../domain/verify-session';
import type { SessionPolicy, VerifyDeps } from '../domain/use-case-deps';
import { verifiedSessionSchema, verifySessionBody } from './auth.schemas';
import { gatewayFastLane, requireGatewayCaller, type FastLaneOptions } from './gateway-fast-lane';

export const VERIFY_SESSION_PATH = '/internal/sessions/verify';

export type SessionVerification = VerifyDeps & { sessions: SessionPolicy };

async function answer(deps: SessionVerification, key: string, req: Request, res: Response): Promise<void> {
  requireGatewayCaller(req, 'sessions');
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

/** The same route on the short chain in front of the kit's app (gateway-fast-lane.ts says why). */
export function verifySessionFastLane(options: FastLaneOptions & { deps: SessionVerification }): Router {
  return gatewayFastLane(VERIFY_SESSION_PATH, verifySessionBody, (key, req, res) => answer(options.deps, key, req, res), options);
}
