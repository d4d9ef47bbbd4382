// POST /internal/api-keys/verify — the gateway's API key check (issue 4), reachable only by the
// gateway. It is declared with the other routes (validated, documented in /openapi.json), and
// also served by a fast lane in front of the kit's app, which answers it first: see below.
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
import { verifyApiKey, type LastUsedRecorder } from '../domain/verify-api-key';
import type { VerifyDeps } from '../domain/use-case-deps';
import { verifiedKeySchema, verifyBody } from './api-key.schemas';

export const VERIFY_PATH = '/internal/api-keys/verify';

/** The only caller of the internal verify route: the gateway, as a signed `service` principal. */
export const GATEWAY_SERVICE_ID = 'api-gateway';

export interface KeyVerification {
  deps: VerifyDeps;
  lastUsed: LastUsedRecorder;
}

async function answer(verification: KeyVerification, key: string, req: Request, res: Response): Promise<void> {
  const principal = principalFromRequest(req);
  if (principal.type !== 'service' || principal.id !== GATEWAY_SERVICE_ID) {
    throw AppError.forbidden('AUTH_FORBIDDEN', 'Only the gateway may verify API keys.');
  }
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

/**
 * The same route on a shorter middleware chain, mounted in front of the kit's app. Verification
 * is the gateway's hot path (issue 4 "Speed": ≥ 3,000/s on a cache miss), and on this machine the
 * kit's per-request access logging (a pino child logger with redaction per request) cost more
 * than the verification itself: an empty route on the full chain served ~2,500 requests/s, this
 * chain ~6,000 (bench/reseller/verify-keys.js, docs/benchmarks.md). Kept: correlation ids, the
 * request-duration metric, the signed principal, body validation, problem+json errors (with their
 * log line). Dropped: the access log line per verification — the gateway logs the client request.
 */
export function verifyFastLane(options: {
  verification: KeyVerification;
  principalSecret: string;
  metrics: Metrics;
  logger: Logger;
}): Router {
  const lane = express.Router();
  const validator = validate({ body: verifyBody });
  lane.post(
    VERIFY_PATH,
    correlationMiddleware(),
    options.metrics.middleware,
    express.json({ limit: '16kb', type: ['application/json', 'application/*+json'] }),
    requirePrincipal(options.principalSecret),
    validator,
    (req, res) => answer(options.verification, validator.parsed(req).body.key, req, res),
  );
  lane.use(VERIFY_PATH, problemErrorHandler(options.logger));
  return lane;
}
