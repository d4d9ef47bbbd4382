// The answers that begin, keep or end a person's browser session (issue 19). The reseller service
// issues and ends sessions; the gateway owns the cookies: on sign-in it takes the session token out
// of the service's answer (no script, log or cache of the page ever sees it) and sets it as the
// HttpOnly `rf_session` cookie, with a fresh `rf_csrf` value beside it; on every request the cookie
// authenticates it renews both cookies' lifetime to the session's current idle expiry; on sign-out,
// and when the cookie names no valid session, it tells the browser to drop both.
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { AppError, type Logger } from '@runfleet/service-kit';
import { credentialKindOf } from '../domain/credential-kinds';
import { clearedSessionCookies, maxAgeUntil, newCsrfToken, sessionSetCookies, type SessionCookies } from '../domain/session-cookies';
import { msUntilExpiry, type VerifiedCredential } from '../domain/verified-credential';
import { readResponse, responseHeaders, streamResponse } from './proxy';
import type { UpstreamResponse } from './upstreams';

/** The service's 200 to a sign-in: the session token and its expiry, and whatever else it tells the person (`user`). */
const signedInSchema = z.looseObject({ token: z.string(), expiresAt: z.string() });

export interface SignInAnswerOptions {
  upstream: string;
  responseLimitBytes: number;
  /** whether the cookies carry Secure (domain/session-cookies.ts cookiesSecure) */
  secure: boolean;
  logger: Logger;
}

/**
 * Answers a sign-in from the service's response: a 200 becomes the session cookies and the same body
 * without `token` and with `csrfToken`; any other answer (wrong password, TOTP required, unverified
 * email, 429) is passed on as it came. A 200 without a well-formed session token is the service's
 * fault: 502, and the body is not passed on.
 */
export async function answerSignIn(res: ServerResponse, response: UpstreamResponse, options: SignInAnswerOptions): Promise<void> {
  if (response.statusCode !== 200) {
    streamResponse(res, response, options.logger, options.upstream, options.responseLimitBytes);
    return;
  }
  const bytes = await readResponse(response, options.upstream, options.responseLimitBytes);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    json = undefined;
  }
  const parsed = signedInSchema.safeParse(json);
  if (!parsed.success || credentialKindOf(parsed.data.token, 'cookie') === undefined) {
    // Which fields were wrong, never their values: the body may hold a token.
    options.logger.error({ upstream: options.upstream, issues: parsed.success ? ['token'] : parsed.error.issues.map((i) => i.path.join('.')) }, 'sign-in answered 200 without a session token');
    throw AppError.badGateway('UPSTREAM_BAD_ANSWER', `The ${options.upstream} service answered the sign-in with no session.`);
  }
  const { token, ...rest } = parsed.data;
  const csrf = newCsrfToken();
  const body = Buffer.from(JSON.stringify({ ...rest, csrfToken: csrf }));
  res.statusCode = 200;
  for (const [name, value] of Object.entries(responseHeaders(response.headers))) {
    if (value !== undefined && name !== 'content-length') res.setHeader(name, value);
  }
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', body.length);
  res.setHeader('cache-control', 'no-store');
  res.setHeader('set-cookie', sessionSetCookies({ token, csrf, maxAgeSeconds: maxAgeUntil(rest.expiresAt), secure: options.secure }));
  res.end(body);
}

/**
 * Renews the cookies of a request the session cookie authenticated, so they live as long as the
 * session does: its idle expiry moves with every request (the service's verification says how far).
 * A lost `rf_csrf` is issued afresh, or the console could not write again until it signs in anew.
 */
export function renewSessionCookies(res: ServerResponse, cookies: SessionCookies, credential: VerifiedCredential, secure: boolean): void {
  const remainingMs = msUntilExpiry(credential);
  const maxAgeSeconds = Number.isFinite(remainingMs) ? Math.max(0, Math.floor(remainingMs / 1000)) : undefined;
  res.setHeader('set-cookie', sessionSetCookies({ token: cookies.session, csrf: cookies.csrf ?? newCsrfToken(), maxAgeSeconds, secure }));
}

/** Tells the browser to drop both session cookies (signed out, or the cookie names no valid session). */
export function clearSessionCookies(res: ServerResponse, secure: boolean): void {
  if (!res.headersSent) res.setHeader('set-cookie', clearedSessionCookies(secure));
}
