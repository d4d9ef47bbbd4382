// One client per upstream service: an undici connection pool with connect, header and body
// timeouts, behind one opossum circuit breaker (DESIGN.md §6). Only the upstream's unavailability
// counts as a failure — connect errors, timeouts, and 502/503/504 (it, or a proxy before it, says
// it cannot serve). Every other answer is about the request that got it: a 4xx is the caller's
// business, and a 500 is one request's bug, which one tenant can provoke at will; counting either
// would let one tenant open the breaker for all (issue 12). An open breaker, or more requests in
// flight than the upstream is allowed, fails at once with 503 instead of queueing.
import type { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import CircuitBreaker from 'opossum';
import { Pool, type Dispatcher } from 'undici';
import { AppError } from '@runfleet/service-kit';
import { GatewayError, retryAfter, upstreamTimeout, upstreamUnavailable } from './gateway-errors';
import type { UpstreamName } from './routing-table';

export interface UpstreamRequest {
  method: string;
  /** path and query string, as the client sent them */
  path: string;
  headers: Record<string, string | string[]>;
  body?: Readable | Buffer | string | null;
  /** aborts the call (the client went away): an AbortSignal, or an EventEmitter that emits 'abort' */
  signal?: AbortSignal | EventEmitter;
}

export interface UpstreamResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** a Readable with `.text()`, `.json()`, `.arrayBuffer()` */
  body: Dispatcher.ResponseData['body'];
}

export interface UpstreamOptions {
  name: UpstreamName;
  origin: string;
  connectTimeoutMs: number;
  /** to the response headers, and between body chunks */
  timeoutMs: number;
  maxInFlight: number;
  resetTimeoutMs: number;
  /** sockets kept per upstream (default 128) */
  connections?: number;
}

export type BreakerState = 'closed' | 'open' | 'half_open';

/** Answers that mean the upstream cannot serve at all, whoever asks. */
const UNAVAILABLE_STATUSES = new Set([502, 503, 504]);

/** Thrown inside the breaker for a 502/503/504, so it counts as a failure; the response still reaches the client. */
class UpstreamServerError extends Error {
  constructor(readonly response: UpstreamResponse) {
    super(`upstream answered ${response.statusCode}`);
  }
}

/** Errors that are not the upstream's fault and must not trip its breaker: a body too large, a client that left. */
function isCallerError(err: unknown): boolean {
  if (err instanceof AppError) return err.status < 500;
  const { name, code } = err as { name?: string; code?: string };
  return name === 'AbortError' || code === 'UND_ERR_ABORTED';
}

const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export class Upstream {
  readonly name: UpstreamName;
  readonly origin: string;
  private readonly pool: Pool;
  private readonly breaker: CircuitBreaker<[UpstreamRequest], UpstreamResponse>;
  private readonly resetTimeoutMs: number;
  private openedAt = 0;

  constructor(options: UpstreamOptions) {
    this.name = options.name;
    this.origin = options.origin;
    this.resetTimeoutMs = options.resetTimeoutMs;
    this.pool = new Pool(options.origin, {
      connections: options.connections ?? 128,
      connect: { timeout: options.connectTimeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: 4_000,
    });
    this.breaker = new CircuitBreaker((request: UpstreamRequest) => this.send(request), {
      name: options.name,
      // undici's own timeouts bound every call; a second timer here would only race them.
      timeout: false,
      errorThresholdPercentage: 50,
      volumeThreshold: 5,
      rollingCountTimeout: 10_000,
      resetTimeout: options.resetTimeoutMs,
      capacity: options.maxInFlight,
      errorFilter: isCallerError,
      // Only the error rate is used: no latency percentiles or snapshots to compute on the hot path.
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
    });
    this.breaker.on('open', () => {
      this.openedAt = Date.now();
    });
  }

  // Promise chains rather than async functions in send and request: one promise less each per call.
  private send(request: UpstreamRequest): Promise<UpstreamResponse> {
    return this.pool
      .request({ method: request.method as 'GET', path: request.path, headers: request.headers, body: request.body ?? null, signal: request.signal })
      .then((response) => {
        const result: UpstreamResponse = { statusCode: response.statusCode, headers: response.headers as IncomingHttpHeaders, body: response.body };
        if (UNAVAILABLE_STATUSES.has(result.statusCode)) throw new UpstreamServerError(result);
        return result;
      });
  }

  /**
   * Sends one request. Resolves with the upstream's response for any status it answered with
   * (5xx included; only 502/503/504 count against the breaker); rejects with an AppError: 503 UPSTREAM_UNAVAILABLE (breaker open, unreachable,
   * overloaded; with Retry-After), 504 UPSTREAM_TIMEOUT, 502 UPSTREAM_FAILED, or the caller's own
   * error (413 from the body limit).
   */
  request(request: UpstreamRequest): Promise<UpstreamResponse> {
    return this.breaker.fire(request).catch((err: unknown) => {
      if (err instanceof UpstreamServerError) return err.response;
      throw this.toAppError(err);
    });
  }

  /**
   * One request outside the circuit breaker, for the gateway's own background reads (the services'
   * OpenAPI documents): they must neither open nor close a breaker that guards client traffic.
   * Resolves with any status the upstream answered with; rejects with the same AppErrors as request().
   */
  requestUnguarded(request: UpstreamRequest): Promise<UpstreamResponse> {
    return this.send(request).catch((err: unknown) => {
      if (err instanceof UpstreamServerError) return err.response;
      throw this.toAppError(err);
    });
  }

  private toAppError(err: unknown): AppError {
    if (err instanceof AppError) return err;
    if (isCallerError(err)) return new AppError({ code: 'REQUEST_ABORTED', status: 499, title: 'Client Closed Request', cause: err });
    const code = (err as { code?: string }).code ?? '';
    if (code === 'EOPENBREAKER') return upstreamUnavailable(this.name, this.openedAt + this.resetTimeoutMs - Date.now(), err);
    if (code === 'ESEMLOCKED') {
      return new GatewayError(AppError.serviceUnavailable('GATEWAY_OVERLOADED', `Too many requests to the ${this.name} service are in flight; retry shortly.`), retryAfter(1000));
    }
    if (code === 'UND_ERR_HEADERS_TIMEOUT') return upstreamTimeout(this.name, err);
    if (CONNECT_ERRORS.has(code)) return upstreamUnavailable(this.name, 1000, err);
    return AppError.badGateway('UPSTREAM_FAILED', `The ${this.name} service failed to answer.`, { cause: err });
  }

  get state(): BreakerState {
    if (this.breaker.opened) return 'open';
    if (this.breaker.halfOpen) return 'half_open';
    return 'closed';
  }

  onStateChange(listener: (state: BreakerState) => void): void {
    this.breaker.on('open', () => listener('open'));
    this.breaker.on('halfOpen', () => listener('half_open'));
    this.breaker.on('close', () => listener('closed'));
  }

  async close(): Promise<void> {
    this.breaker.shutdown();
    await this.pool.close();
  }
}

export type Upstreams = Record<UpstreamName, Upstream>;
