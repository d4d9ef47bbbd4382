// The console's one way to call the public API (issue 19): same-origin fetch with the session
// cookie, the CSRF header on every write, and problem+json answers turned into an ApiError that
// knows which form field each message belongs to (docs/api.md "Conventions").

/** One entry of a problem's `errors`: `field` is a dotted path such as `body.email` or `query.limit`. */
export interface FieldError {
  field: string;
  message: string;
}

/** A non-2xx answer of the API (RFC 9457 problem), or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string | undefined;
  readonly fieldErrors: FieldError[];
  readonly correlationId: string | undefined;

  constructor(init: { status: number; code: string; title: string; detail?: string; errors?: FieldError[]; correlationId?: string }) {
    super(init.detail ?? init.title);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.fieldErrors = init.errors ?? [];
    this.correlationId = init.correlationId;
  }

  /** The message for the form field `name` (see fieldMatches). */
  messageFor(name: string): string | undefined {
    return this.fieldErrors.find((e) => fieldMatches(e.field, name))?.message;
  }
}

/**
 * Whether the API's error path `field` is about the form field `name`: the API names body fields
 * `body.<name>` (nested: `body.maxCost.amount`), query fields `query.<name>`; a bare name matches too.
 */
export function fieldMatches(field: string, name: string): boolean {
  return field === name || field === `body.${name}` || field === `query.${name}` || field.startsWith(`body.${name}.`) || field.startsWith(`${name}.`);
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  body?: unknown;
  query?: Query;
  /** Required by the API on money-moving creates (POST /v1/jobs, /v1/orders, …); see newIdempotencyKey. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

const CSRF_COOKIE = 'rf_csrf';

/** Where a 401 means "wrong email, password or code", not "your session ended". */
const SIGN_IN_PATH = '/v1/auth/login';
const sessionEndedListeners = new Set<() => void>();

/**
 * Calls `listener` whenever the API answers 401 to a call made with the session cookie: the session
 * ended elsewhere (signed out in another tab, the password changed on another device, expired).
 * Returns the unsubscribe function.
 */
export function onSessionEnded(listener: () => void): () => void {
  sessionEndedListeners.add(listener);
  return () => sessionEndedListeners.delete(listener);
}

/** The double-submit CSRF token the gateway set at sign-in (not HttpOnly, on purpose). */
export function csrfToken(): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/** A fresh Idempotency-Key; make one per user action (not per retry) so a retried submit is replayed, not repeated. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function withQuery(path: string, query: Query | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}${path.includes('?') ? '&' : '?'}${text}` : path;
}

/** Calls `/v1/...` on this origin; resolves to the parsed JSON (undefined for 204), rejects with ApiError. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrfToken();
    if (token) headers['X-CSRF-Token'] = token;
  }
  if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;

  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError({ status: 0, code: 'NETWORK_UNREACHABLE', title: 'The server could not be reached. Check your connection and try again.' });
  }

  if (response.status === 401 && path !== SIGN_IN_PATH) sessionEndedListeners.forEach((listener) => listener());
  if (response.status === 204) return undefined as T;
  const contentType = response.headers.get('content-type') ?? '';
  const payload: unknown = contentType.includes('json') ? await response.json().catch(() => undefined) : undefined;
  if (response.ok) return payload as T;
  throw toApiError(response, payload);
}

function toApiError(response: Response, payload: unknown): ApiError {
  const problem = (payload ?? {}) as Partial<{ code: string; title: string; detail: string; errors: FieldError[]; correlationId: string }>;
  return new ApiError({
    status: response.status,
    code: typeof problem.code === 'string' ? problem.code : `HTTP_${response.status}`,
    title: typeof problem.title === 'string' ? problem.title : response.statusText || `Request failed (${response.status})`,
    detail: typeof problem.detail === 'string' ? problem.detail : undefined,
    errors: Array.isArray(problem.errors) ? problem.errors : undefined,
    correlationId: typeof problem.correlationId === 'string' ? problem.correlationId : undefined,
  });
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, { ...options, body }),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PUT', path, { ...options, body }),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', path, { ...options, body }),
  delete: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('DELETE', path, { ...options, body }),
};
