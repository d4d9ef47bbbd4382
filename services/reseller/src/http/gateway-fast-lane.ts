// The gateway's credential checks (POST /internal/api-keys/verify, /internal/sessions/verify) on a
// shorter middleware chain, mounted in front of the kit's app. Verification is the gateway's hot path
// (issue 4 "Speed": ≥ 3,000/s on a cache miss), and on this machine the kit's per-request access
// logging (a pino child logger with redaction per request) cost more than the verification itself:
// an empty route on the full chain served ~2,500 requests/s, this chain ~6,000
// (bench/reseller/verify-keys.js, docs/benchmarks.md). Kept: correlation ids, the request-duration
// metric, the signed principal, body validation, problem+json errors (with their log line). Dropped:
// the access log line per verification — the gateway logs the client request.
import express, { type Request, type Response, type Router } from 'express';
import {
  AppError,
  correlationMiddleware,
  principalFromRequest,
  problemErrorHandler,
  requirePrincipal,
  validate,
  type Logger,
  type Metrics,
} from '@runfleet/service-kit';
import type { z } from 'zod';

/** The only caller of the internal verify routes: the gateway, as a signed `service` principal. */
export const GATEWAY_SERVICE_ID = 'api-gateway';

/** Refuses (403) every caller but the gateway; `what` names the check in the error. */
export function requireGatewayCaller(req: Request, what: string): void {
  const principal = principalFromRequest(req);
  if (principal.type !== 'service' || principal.id !== GATEWAY_SERVICE_ID) {
    throw AppError.forbidden('AUTH_FORBIDDEN', `Only the gateway may verify ${what}.`);
  }
}

export interface FastLaneOptions {
  principalSecret: string;
  metrics: Metrics;
  logger: Logger;
}

/** POST `path` with body `{key}` answered by `answer`, on the short chain described above. */
export function gatewayFastLane(
  path: string,
  body: z.ZodType<{ key: string }>,
  answer: (key: string, req: Request, res: Response) => Promise<void>,
  options: FastLaneOptions,
): Router {
  const lane = express.Router();
  const validator = validate({ body });
  lane.post(
    path,
    correlationMiddleware(),
    options.metrics.middleware,
    express.json({ limit: '16kb', type: ['application/json', 'application/*+json'] }),
    requirePrincipal(options.principalSecret),
    validator,
    (req, res) => answer(validator.parsed(req).body.key, req, res),
  );
  lane.use(path, problemErrorHandler(options.logger));
  return lane;
}
