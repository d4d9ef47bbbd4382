// The signed principal the gateway attaches to every forwarded request, and its verification in
// the services, which accept requests only with a principal the gateway signed (DESIGN.md §7).
//
// Format: `v1.<base64url(JSON principal)>.<base64url(HMAC-SHA256(secret, "v1.<payload>"))>`.
// Hand-written over node:crypto instead of a JWT library on purpose: the format is internal and
// fixed, there is a single algorithm so there is nothing like JWT's `alg` header to confuse, and
// the gateway signs on every request — no per-request JWT header parsing or key selection cost.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { PRINCIPAL_HEADER, principalSchema, type Principal } from '@runfleet/contracts';
import { AppError } from './errors';

export type { Principal } from '@runfleet/contracts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** set by requirePrincipal from the gateway-signed header */
      principal?: Principal;
    }
  }
}

const VERSION = 'v1';
export const MIN_PRINCIPAL_SECRET_LENGTH = 32;

function assertSecret(secret: string): void {
  if (secret.length < MIN_PRINCIPAL_SECRET_LENGTH) {
    throw new Error(`principal secret must be at least ${MIN_PRINCIPAL_SECRET_LENGTH} characters`);
  }
}

function signature(signedPart: string, secret: string): string {
  return createHmac('sha256', secret).update(signedPart).digest('base64url');
}

const invalid = (detail: string) => AppError.unauthorized('AUTH_PRINCIPAL_INVALID', detail);

/** Signs a principal (the gateway does this); `principal.exp` is its expiry in unix seconds. */
export function signPrincipal(principal: Principal, secret: string): string {
  assertSecret(secret);
  const body = principalSchema.parse(principal);
  const signedPart = `${VERSION}.${Buffer.from(JSON.stringify(body)).toString('base64url')}`;
  return `${signedPart}.${signature(signedPart, secret)}`;
}

/**
 * Verifies signature, shape and expiry; throws AppError 401 AUTH_PRINCIPAL_INVALID or
 * AUTH_PRINCIPAL_EXPIRED. The signature is checked before the body is even parsed.
 */
export function verifyPrincipal(token: string, secret: string, nowSeconds = Date.now() / 1000): Principal {
  assertSecret(secret);
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION || !parts[1] || !parts[2]) {
    throw invalid('The principal header is malformed.');
  }
  const [version, payload, given] = parts as [string, string, string];
  const expected = Buffer.from(signature(`${version}.${payload}`, secret));
  const actual = Buffer.from(given);
  // Constant-time comparison so the signature cannot be guessed byte by byte from response times.
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw invalid('The principal signature does not match.');
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalid('The principal body is not valid JSON.');
  }
  const parsed = principalSchema.safeParse(json);
  if (!parsed.success) throw invalid('The principal body does not match the principal schema.');
  if (parsed.data.exp <= nowSeconds) {
    throw AppError.unauthorized('AUTH_PRINCIPAL_EXPIRED', 'The principal has expired.');
  }
  return parsed.data;
}

/** Express middleware: verifies the principal header into `req.principal`, or answers 401. */
export function requirePrincipal(secret: string): RequestHandler {
  assertSecret(secret);
  return (req: Request, _res: Response, next: NextFunction) => {
    const header = req.get(PRINCIPAL_HEADER);
    if (!header) {
      next(AppError.unauthorized('AUTH_PRINCIPAL_MISSING', 'Requests must come through the gateway.'));
      return;
    }
    try {
      req.principal = verifyPrincipal(header, secret);
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** The verified principal of a request; throws 401 when requirePrincipal did not run or failed. */
export function principalFromRequest(req: Request): Principal {
  if (!req.principal) throw AppError.unauthorized('AUTH_PRINCIPAL_MISSING', 'No verified principal on this request.');
  return req.principal;
}
