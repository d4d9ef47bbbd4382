// CSRF protection for requests the session cookie authenticates (issue 19): a browser sends the
// cookie with any request to the gateway, also one a page on another site makes it send, so a
// write counts only when it also carries the `rf_csrf` cookie's value in X-CSRF-Token (which only a
// page of this origin can read) and, when it names its Origin, names the gateway's own. Reads are
// not checked: they change nothing and another site cannot read their answers. Bearer requests
// never reach this: no browser attaches an Authorization header on its own.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AppError } from '@runfleet/service-kit';
import { CSRF_HEADER, type SessionCookies } from '../domain/session-cookies';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refused(field: string, message: string): AppError {
  return AppError.forbidden('AUTH_CSRF_FAILED', 'This write came with the session cookie but without proof that this site sent it.', {
    errors: [{ field, message }],
  });
}

/** Throws 403 AUTH_CSRF_FAILED when the request names an Origin other than the gateway's own. */
export function assertOwnOrigin(req: IncomingMessage, ownOrigin: string): void {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== ownOrigin) throw refused('headers.origin', `must be ${ownOrigin} (the gateway's own origin)`);
}

/** Throws 403 AUTH_CSRF_FAILED when a cookie-authenticated write lacks the CSRF token or comes from another origin. */
export function assertSameSiteWrite(req: IncomingMessage, cookies: SessionCookies, ownOrigin: string): void {
  if (SAFE_METHODS.has(req.method ?? 'GET')) return;
  assertOwnOrigin(req, ownOrigin);
  const header = req.headers[CSRF_HEADER];
  const presented = Array.isArray(header) ? undefined : header;
  if (!presented || cookies.csrf === undefined || !sameSecret(presented, cookies.csrf)) {
    throw refused(`headers.${CSRF_HEADER}`, 'must equal the rf_csrf cookie');
  }
}

/** The origin a browser on the gateway's own pages sends: PUBLIC_ORIGIN, else the request's protocol and Host. */
export function ownOriginOf(req: IncomingMessage, configured: string | undefined, protocol: string): string {
  return configured ?? `${protocol}://${req.headers.host ?? ''}`;
}
