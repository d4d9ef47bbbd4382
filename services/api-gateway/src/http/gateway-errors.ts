// The gateway's own failures as AppErrors (one error path, STYLE.md habit 9), some with the
// response headers they need: Retry-After on 429/503, WWW-Authenticate on 401.
import { AppError } from '@runfleet/service-kit';

/** An AppError that also sets response headers (applied by the gateway's error handler). */
export class GatewayError extends AppError {
  constructor(
    base: AppError,
    readonly headers: Record<string, string>,
  ) {
    super({ code: base.code, status: base.status, title: base.title, detail: base.detail, errors: base.errors, cause: base.cause });
  }
}

/** Retry-After in whole seconds, at least 1 (RFC 9110 §10.2.3). */
export function retryAfter(ms: number): Record<string, string> {
  return { 'Retry-After': String(Math.max(1, Math.ceil(ms / 1000))) };
}

/**
 * The one 401 for every authentication failure: missing, malformed, unknown, expired or revoked
 * credentials all look exactly alike, so a caller learns nothing about which it was (issue 5).
 */
export function invalidCredentials(): GatewayError {
  return new GatewayError(AppError.unauthorized('AUTH_INVALID_CREDENTIALS', 'A valid API key or runner token is required.'), {
    'WWW-Authenticate': 'Bearer realm="runfleet"',
  });
}

export function upstreamUnavailable(upstream: string, retryAfterMs: number, cause?: unknown): GatewayError {
  return new GatewayError(
    AppError.serviceUnavailable('UPSTREAM_UNAVAILABLE', `The ${upstream} service is unavailable; retry later.`, { cause }),
    retryAfter(retryAfterMs),
  );
}

export function upstreamTimeout(upstream: string, cause?: unknown): AppError {
  return AppError.gatewayTimeout('UPSTREAM_TIMEOUT', `The ${upstream} service did not answer in time.`, { cause });
}
