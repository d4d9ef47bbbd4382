// POST /internal/api-keys/verify — the gateway's API key check (issue 4), reachable only by the
// gateway. It is declared with the other routes (validated, documented in /openapi.json), and
// also served by a fast lane in front of the kit's app, which answers it first: see below.
import type { Request, Response, Router } from 'express';
import type { ApiRoutes } from '@runfleet/service-kit';
import { verifyApiKey, type LastUsedRecorder } from '../domain/verify-api-key';
import type { VerifyDeps } from '../domain/use-case-deps';
import { verifiedKeySchema, verifyBody } from './api-key.schemas';
import { gatewayFastLane, requireGatewayCaller, type FastLaneOptions } from './gateway-fast-lane';

export const VERIFY_PATH = '/internal/api-keys/verify';

export interface KeyVerification {
  deps: VerifyDeps;
  lastUsed: LastUsedRecorder;
}

async function answer(verification: KeyVerification, key: string, req: Request, res: Response): Promise<void> {
  requireGatewayCaller(req, 'API keys');
  const verified = await verifyApiKey(verification.deps, verification.lastUsed, key);
  // A string body goes out with its headers in one write, where res.json's Buffer (built for
  // an ETag nobody uses here) costs a second, vectored one.
  res.type('application/json').end(JSON.stringify(verified));
}

export function registerVerifyRoute(api: ApiRoutes, verification: KeyVerification): void {
  api.route(
    {
      method: 'post',
      path: VERIFY_PATH,
      summary: 'Verify an API key (gateway only)',
      description:
        'Internal: callable only with a `service` principal for `api-gateway`; the gateway never forwards /internal/*. ' +
        'Answers the key’s principal, or 401 AUTH_KEY_INVALID with one body for every failure (malformed, unknown, ' +
        'wrong secret, expired, revoked, owner deactivated or suspended).',
      tags: ['internal'],
      request: { body: verifyBody },
      responses: { 200: { description: 'The principal the key stands for', schema: verifiedKeySchema } },
      errors: [401, 403],
    },
    ({ body }, req, res) => answer(verification, body.key, req, res),
  );
}

/** The same route on the short chain in front of the kit's app (gateway-fast-lane.ts says why). */
export function verifyFastLane(options: FastLaneOptions & { verification: KeyVerification }): Router {
  return gatewayFastLane(VERIFY_PATH, verifyBody, (key, req, res) => answer(options.verification, key, req, res), options);
}
