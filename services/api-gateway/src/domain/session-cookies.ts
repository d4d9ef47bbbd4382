// The browser's side of a person's session (issue 19): the HttpOnly `rf_session` cookie that carries
// the session token, and the readable `rf_csrf` cookie that the console echoes in `X-CSRF-Token` on
// every write (double submit: a page on another site can make the browser send the cookies, but
// cannot read them to set the header; http/csrf.ts checks it). Values in, header values out.
import { randomBytes } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { parseCookie, stringifySetCookie } from 'cookie';
import { normalizeIp } from './ip-allow-list';

export const SESSION_COOKIE = 'rf_session';
export const CSRF_COOKIE = 'rf_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** What a request's Cookie header holds of a session: its token, and the CSRF value if present. */
export interface SessionCookies {
  session: string;
  csrf?: string;
}

/** The session cookies of a Cookie header, or undefined when it carries no session. */
export function sessionCookiesOf(header: string | undefined): SessionCookies | undefined {
  // Most requests (API clients) carry no cookie at all; the rest are parsed only if one is the session's.
  if (!header || !header.includes(`${SESSION_COOKIE}=`)) return undefined;
  const cookies = parseCookie(header);
  const session = cookies[SESSION_COOKIE];
  return session ? { session, csrf: cookies[CSRF_COOKIE] || undefined } : undefined;
}

/** A fresh CSRF value: 256 random bits, URL-safe. */
export function newCsrfToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The client as the gateway sees it: its address (after trusted proxies) and protocol. */
export interface CookieClient {
  ip: string;
  protocol: string;
}

export type CookieSecureSetting = 'auto' | 'always';

function isLoopback(ip: string): boolean {
  const address = normalizeIp(ip);
  return address === '::1' || (isIPv4(address) && address.startsWith('127.'));
}

/**
 * Whether the cookies carry `Secure`: always, except (setting `auto`) to a client on this machine over
 * plain http, where a browser would otherwise refuse to keep them and local sign-in could not work.
 */
export function cookiesSecure(setting: CookieSecureSetting, client: CookieClient): boolean {
  return setting === 'always' || client.protocol === 'https' || !isLoopback(client.ip);
}

/** Whole seconds until `expiresAt` (an ISO timestamp), never negative; 0 for an unreadable one. */
export function maxAgeUntil(expiresAt: string, now = Date.now()): number {
  const at = Date.parse(expiresAt);
  return Number.isNaN(at) ? 0 : Math.max(0, Math.floor((at - now) / 1000));
}

/**
 * The two Set-Cookie values of a session: the token HttpOnly (no script ever reads it), the CSRF value
 * readable by the console's own script; both SameSite=Lax, for the whole site, until `maxAgeSeconds`
 * (until the browser closes without it).
 */
export function sessionSetCookies(session: { token: string; csrf: string; maxAgeSeconds?: number; secure: boolean }): string[] {
  const common = { path: '/', sameSite: 'lax', secure: session.secure, maxAge: session.maxAgeSeconds } as const;
  return [
    stringifySetCookie(SESSION_COOKIE, session.token, { ...common, httpOnly: true }),
    stringifySetCookie(CSRF_COOKIE, session.csrf, common),
  ];
}

/** Set-Cookie values that make the browser drop both cookies (signed out, or the session is no longer valid). */
export function clearedSessionCookies(secure: boolean): string[] {
  const common = { path: '/', sameSite: 'lax', secure, maxAge: 0, expires: new Date(0) } as const;
  return [stringifySetCookie(SESSION_COOKIE, '', { ...common, httpOnly: true }), stringifySetCookie(CSRF_COOKIE, '', common)];
}
