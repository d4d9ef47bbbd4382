// One client per upstream service, balancing round-robin over its replicas (DESIGN.md §9: more
// replicas of a service scale it). Each replica has its own undici connection pool with connect,
// header and body timeouts, behind its own opossum circuit breaker (DESIGN.md §6), so one dead
// replica opens its own breaker and the others keep serving. Only the upstream's unavailability
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
  /**
   * the caller vouches that the request changes nothing (a credential check sent as POST), so it
   * may go to another replica after any failure, like a GET
   */
  retrySafe?: boolean;
  /**
   * a long poll (routing-table.ts LONG_POLL_ROUTES): the time to the response headers instead of the
   * replica's usual timeout; running out of it does not count against the breaker
   */
  longPollTimeoutMs?: number;
}

export interface UpstreamResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** a Readable with `.text()`, `.json()`, `.arrayBuffer()` */
  body: Dispatcher.ResponseData['body'];
}

export interface UpstreamReplicaOptions {
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

/**
 * Errors that must not trip the breaker: the caller's (above), and a long poll that outwaited the
 * gateway. A long poll is slow by design, and a gateway whose CLAIM_MAX_WAIT_SECONDS lags the
 * service's would otherwise open the breaker for every route of the service; a service that really
 * hangs still times out on its other routes and opens it there.
 */
function spareTheBreaker(err: unknown, request?: UpstreamRequest): boolean {
  if (isCallerError(err)) return true;
  // opossum passes the call's arguments after the error (its type declarations leave them out)
  return request?.longPollTimeoutMs !== undefined && (err as { code?: string }).code === 'UND_ERR_HEADERS_TIMEOUT';
}

const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** One replica of an upstream service: its pool and its breaker. */
export class UpstreamReplica {
  readonly name: UpstreamName;
  readonly origin: string;
  private readonly pool: Pool;
  private readonly poolOptions: Pool.Options;
  /** long polls' own sockets, made on first use (see send) */
  private longPollPool: Pool | undefined;
  private readonly maxInFlight: number;
  private readonly breaker: CircuitBreaker<[UpstreamRequest], UpstreamResponse>;
  private readonly resetTimeoutMs: number;
  private openedAt = 0;

  constructor(options: UpstreamReplicaOptions) {
    this.name = options.name;
    this.origin = options.origin;
    this.resetTimeoutMs = options.resetTimeoutMs;
    this.poolOptions = {
      connections: options.connections ?? 128,
      connect: { timeout: options.connectTimeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: 4_000,
    };
    this.pool = new Pool(options.origin, this.poolOptions);
    this.maxInFlight = options.maxInFlight;
    this.breaker = new CircuitBreaker((request: UpstreamRequest) => this.send(request), {
      name: options.name,
      // undici's own timeouts bound every call; a second timer here would only race them.
      timeout: false,
      errorThresholdPercentage: 50,
      volumeThreshold: 5,
      rollingCountTimeout: 10_000,
      resetTimeout: options.resetTimeoutMs,
      capacity: options.maxInFlight,
      errorFilter: spareTheBreaker,
      // Only the error rate is used: no latency percentiles or snapshots to compute on the hot path.
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
    });
    this.breaker.on('open', () => {
      this.openedAt = Date.now();
    });
  }

  /**
   * Long polls go over sockets of their own: each holds its socket for the whole wait, so sharing
   * the pool would queue every other request to the service behind them once as many runners
   * poll as the pool has sockets (128) — heartbeats and progress reports waiting out a claim.
   * Their number is bounded by the breaker's capacity (UPSTREAM_MAX_IN_FLIGHT) instead.
   */
  private poolFor(request: UpstreamRequest): Pool {
    if (request.longPollTimeoutMs === undefined) return this.pool;
    this.longPollPool ??= new Pool(this.origin, { ...this.poolOptions, connections: this.maxInFlight });
    return this.longPollPool;
  }

  // Promise chains rather than async functions in send and request: one promise less each per call.
  private send(request: UpstreamRequest): Promise<UpstreamResponse> {
    return this.poolFor(request)
      .request({
        method: request.method as 'GET',
        path: request.path,
        headers: request.headers,
        body: request.body ?? null,
        signal: request.signal,
        // undefined keeps the pool's own headersTimeout
        headersTimeout: request.longPollTimeoutMs,
      })
      .then((response) => {
        const result: UpstreamResponse = { statusCode: response.statusCode, headers: response.headers as IncomingHttpHeaders, body: response.body };
        if (UNAVAILABLE_STATUSES.has(result.statusCode)) throw new UpstreamServerError(result);
        return result;
      });
  }

  /** The raw outcome through the breaker: a response, or the undici/opossum error (502/503/504 as UpstreamServerError). */
  fire(request: UpstreamRequest): Promise<UpstreamResponse> {
    return this.breaker.fire(request);
  }

  /** The raw outcome outside the breaker. */
  sendUnguarded(request: UpstreamRequest): Promise<UpstreamResponse> {
    return this.send(request);
  }

  /** Accepts requests now: its breaker is closed, or half-open and willing to try one. */
  get available(): boolean {
    return !this.breaker.opened;
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

  toAppError(err: unknown): AppError {
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
    await Promise.all([this.pool.close(), this.longPollPool?.close()]);
  }
}

export interface UpstreamOptions extends Omit<UpstreamReplicaOptions, 'origin'> {
  /** one origin per replica of the service */
  origins: readonly string[];
}

/** Errors raised before any byte of the request left the gateway: no replica saw it. */
const NOT_SENT_ERRORS = new Set([...CONNECT_ERRORS, 'EOPENBREAKER', 'ESEMLOCKED']);
/** Errors after which a request may have reached the service: only a request that changes nothing is sent again. */
const MAYBE_SENT_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A body that can be sent a second time: none, or one held in memory (a streamed body is consumed by the first try). */
function replayable(body: UpstreamRequest['body']): boolean {
  return body === undefined || body === null || typeof body === 'string' || Buffer.isBuffer(body);
}

/**
 * Whether a failed try may move to another replica: a request no replica saw (connect refused or
 * timed out, breaker open, replica overloaded), or one that changes nothing (GET, HEAD, OPTIONS,
 * retrySafe) after a dropped connection or a 502/503/504. A POST that may have reached a service
 * is never sent again (its answer, if any, is lost with the connection; Idempotency-Key covers the
 * client's retry). A streamed body cannot be sent twice.
 */
function mayTryAnother(request: UpstreamRequest, err: unknown): boolean {
  if (!replayable(request.body) || isCallerError(err)) return false;
  const code = (err as { code?: string }).code ?? '';
  if (NOT_SENT_ERRORS.has(code)) return true;
  const changesNothing = request.retrySafe === true || SAFE_METHODS.has(request.method.toUpperCase());
  return changesNothing && (MAYBE_SENT_ERRORS.has(code) || err instanceof UpstreamServerError);
}

export class Upstream {
  readonly name: UpstreamName;
  readonly replicas: readonly UpstreamReplica[];
  private next = 0;

  constructor(options: UpstreamOptions) {
    if (options.origins.length === 0) throw new Error(`${options.name}: no upstream origin`);
    this.name = options.name;
    const { origins, ...replicaOptions } = options;
    this.replicas = origins.map((origin) => new UpstreamReplica({ ...replicaOptions, origin }));
  }

  /** The first replica's origin (the only one without replicas). */
  get origin(): string {
    return this.replicas[0]!.origin;
  }

  /**
   * The replicas in the order to try them for one request: round-robin from the next one, those
   * whose breaker is open last (tried only when every one is open, to fail with their 503).
   */
  private order(): UpstreamReplica[] {
    const count = this.replicas.length;
    const start = this.next;
    this.next = (start + 1) % count;
    if (count === 1) return [this.replicas[0]!];
    const rotated = Array.from({ length: count }, (_, i) => this.replicas[(start + i) % count]!);
    return [...rotated.filter((r) => r.available), ...rotated.filter((r) => !r.available)];
  }

  /** Tries one replica after another while mayTryAnother allows; rejects with the last failure as an AppError. */
  private attempt(request: UpstreamRequest, send: (replica: UpstreamReplica) => Promise<UpstreamResponse>): Promise<UpstreamResponse> {
    const replicas = this.order();
    const tryFrom = (index: number): Promise<UpstreamResponse> => {
      const replica = replicas[index]!;
      return send(replica).catch((err: unknown) => {
        if (index + 1 < replicas.length && mayTryAnother(request, err)) {
          if (err instanceof UpstreamServerError) discard(err.response.body);
          return tryFrom(index + 1);
        }
        if (err instanceof UpstreamServerError) return err.response;
        throw replica.toAppError(err);
      });
    };
    return tryFrom(0);
  }

  /**
   * Sends one request to the next replica (round-robin). Resolves with the upstream's response for
   * any status it answered with (5xx included; only 502/503/504 count against a breaker); rejects
   * with an AppError: 503 UPSTREAM_UNAVAILABLE (every breaker open, unreachable, overloaded; with
   * Retry-After), 504 UPSTREAM_TIMEOUT, 502 UPSTREAM_FAILED, or the caller's own error (413 from
   * the body limit). A try that fails where another replica may safely have it (mayTryAnother)
   * moves on to the next replica.
   */
  request(request: UpstreamRequest): Promise<UpstreamResponse> {
    return this.attempt(request, (replica) => replica.fire(request));
  }

  /**
   * One request outside the circuit breakers, for the gateway's own background reads (the services'
   * OpenAPI documents): they must neither open nor close a breaker that guards client traffic.
   * Resolves with any status the upstream answered with; rejects with the same AppErrors as request().
   */
  requestUnguarded(request: UpstreamRequest): Promise<UpstreamResponse> {
    return this.attempt(request, (replica) => replica.sendUnguarded(request));
  }

  /** closed: every replica's breaker is closed; open: every one is open; half_open otherwise (some replica is out or on trial). */
  get state(): BreakerState {
    const states = this.replicas.map((r) => r.state);
    if (states.every((s) => s === 'closed')) return 'closed';
    if (states.every((s) => s === 'open')) return 'open';
    return 'half_open';
  }

  /** Called with the upstream's state (see `state`) and the replica whose breaker changed. */
  onStateChange(listener: (state: BreakerState, replica: UpstreamReplica) => void): void {
    for (const replica of this.replicas) replica.onStateChange(() => listener(this.state, replica));
  }

  async close(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.close()));
  }
}

/** Drops an upstream body unread; undici reports the abort as an 'error' nobody needs to hear. */
function discard(body: UpstreamResponse['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

export type Upstreams = Record<UpstreamName, Upstream>;
