// Forwarding a client's request to the service that owns it (DESIGN.md §2): the request body
// streamed and size-limited, the client's credentials replaced by the gateway-signed principal,
// the correlation id passed on, the upstream's answer streamed back untouched (4xx included).
import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { CORRELATION_HEADER, PRINCIPAL_HEADER } from '@runfleet/contracts';
import { AppError, type Logger, requestContextOf } from '@runfleet/service-kit';
import type { GatewayMetrics } from './gateway-metrics';
import type { Upstream, UpstreamResponse } from './upstreams';

// Hop-by-hop headers (RFC 9110 §7.6.1), the client's credentials (services never see raw keys,
// DESIGN.md §7) and anything a client could use to pose as the gateway.
const DROPPED_REQUEST_HEADERS = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'expect', 'host', 'authorization', 'cookie', PRINCIPAL_HEADER, CORRELATION_HEADER,
  'x-request-id', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'forwarded',
]);
// The gateway sets its own correlation and request ids and security headers on the response, and
// owns the cookies of its origin (the session's, issue 19): no service sets one through it.
const DROPPED_RESPONSE_HEADERS = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'x-request-id', CORRELATION_HEADER, 'x-powered-by', 'date', 'set-cookie',
]);

export function payloadTooLarge(limitBytes: number): AppError {
  return AppError.payloadTooLarge('REQUEST_TOO_LARGE', `The request body is larger than ${limitBytes} bytes.`);
}

/** Passes a stream through, failing (413 by default) once more than `limitBytes` went by. */
export class BodyLimit extends Transform {
  private seen = 0;
  constructor(
    private readonly limitBytes: number,
    private readonly tooLarge: () => Error = () => payloadTooLarge(limitBytes),
  ) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limitBytes) callback(this.tooLarge());
    else callback(null, chunk);
  }
}

export function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  return header === undefined ? undefined : Number(header);
}

export function hasBody(req: IncomingMessage): boolean {
  const length = declaredLength(req);
  return (length !== undefined && length > 0) || req.headers['transfer-encoding'] !== undefined;
}

/** Rejects at once when the declared length is over the limit: no upstream is bothered. */
export function checkDeclaredLength(req: IncomingMessage, limitBytes: number): void {
  const length = declaredLength(req);
  if (length !== undefined && length > limitBytes) throw payloadTooLarge(limitBytes);
}

/** The header names a Connection header lists (RFC 9110 §7.6.1): hop-by-hop, never forwarded. */
function connectionOptions(connection: string | string[] | undefined): string[] | undefined {
  if (connection === undefined) return undefined;
  return String(connection).toLowerCase().split(',').map((t) => t.trim());
}

// What an unauthenticated route's request keeps of the caller's headers besides its own list: how to read the body.
const BODY_HEADERS = ['content-type', 'content-length'];

function forwardedHeaders(req: IncomingMessage, options: ForwardOptions): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  if (options.onlyHeaders !== undefined) {
    for (const name of [...BODY_HEADERS, ...options.onlyHeaders]) {
      const value = req.headers[name];
      if (value !== undefined && !DROPPED_REQUEST_HEADERS.has(name)) headers[name] = value;
    }
  } else {
    const connectionTokens = connectionOptions(req.headers.connection);
    for (const [name, value] of Object.entries(req.headers as IncomingHttpHeaders)) {
      if (value === undefined || DROPPED_REQUEST_HEADERS.has(name) || connectionTokens?.includes(name)) continue;
      headers[name] = value;
    }
  }
  if (options.principalToken !== undefined) headers[PRINCIPAL_HEADER] = options.principalToken;
  const correlationId = requestContextOf(req)?.correlationId;
  if (correlationId) headers[CORRELATION_HEADER] = correlationId;
  headers['x-forwarded-for'] = options.clientIp;
  headers['x-forwarded-proto'] = options.protocol;
  if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
  return headers;
}

export interface ForwardOptions {
  upstream: Upstream;
  /** path and query, as the client sent them */
  url: string;
  /** the client's protocol (X-Forwarded-Proto from a trusted proxy, else the socket's) */
  protocol: string;
  /** the gateway-signed principal; absent on an unauthenticated route, which then gets none */
  principalToken?: string;
  /** forward only these of the caller's headers (and the body's type and length); default: all but the dropped ones */
  onlyHeaders?: readonly string[];
  clientIp: string;
  bodyLimitBytes: number;
  metrics: GatewayMetrics;
  /** an already read body (idempotent POSTs); otherwise the request is streamed */
  body?: Buffer;
  /** a long poll's time to the answer's headers (routing-table.ts LONG_POLL_ROUTES); the upstream's usual timeout when absent */
  longPollTimeoutMs?: number;
}

/** Request bodies up to this size are kept in memory when a service has replicas, to move to another on a refused connection. */
const REPLAYABLE_BODY_BYTES = 64 * 1024;

/**
 * Sends the request upstream and resolves with its response (headers received, body unread).
 * Rejects with an AppError (503, 504, 502, 413). Aborts the upstream call when the client leaves.
 */
export function sendUpstream(req: IncomingMessage, res: ServerResponse, options: ForwardOptions): Promise<UpstreamResponse> {
  const headers = forwardedHeaders(req, options);
  let body: Readable | Buffer | null = null;
  if (options.body !== undefined) {
    body = options.body;
    headers['content-length'] = String(options.body.length);
  } else if (hasBody(req)) {
    checkDeclaredLength(req, options.bodyLimitBytes);
    // With replicas, a small body is read whole first, so a replica that refuses the connection
    // can hand the request to the next one (a streamed body is spent by the first try).
    const length = declaredLength(req);
    if (options.upstream.replicas.length > 1 && length !== undefined && length <= REPLAYABLE_BODY_BYTES) {
      return readRequestBody(req, options.bodyLimitBytes).then((whole) => sendUpstream(req, res, { ...options, body: whole }));
    }
    // req.pipe, not pipeline: a limit error must not destroy the client's socket before we answer 413.
    body = req.pipe(new BodyLimit(options.bodyLimitBytes));
  }
  // A client that hangs up before the answer frees the upstream socket at once. undici takes an
  // EventEmitter as its signal: far cheaper per request than an AbortController.
  const abort = new EventEmitter();
  res.once('close', () => {
    if (!res.writableFinished) abort.emit('abort');
  });
  const started = process.hrtime.bigint();
  const observe = (status: string) =>
    options.metrics.upstreamDuration.observe({ upstream: options.upstream.name, status }, Number(process.hrtime.bigint() - started) / 1e9);
  return options.upstream.request({ method: req.method ?? 'GET', path: options.url, headers, body, signal: abort, longPollTimeoutMs: options.longPollTimeoutMs }).then(
    (response) => {
      observe(String(response.statusCode));
      return response;
    },
    (err: unknown) => {
      observe('error');
      throw err;
    },
  );
}

/** The upstream's response headers a client should see. */
export function responseHeaders(upstreamHeaders: IncomingHttpHeaders): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  const connectionTokens = connectionOptions(upstreamHeaders.connection);
  for (const [name, value] of Object.entries(upstreamHeaders)) {
    if (value === undefined || DROPPED_RESPONSE_HEADERS.has(name) || connectionTokens?.includes(name)) continue;
    headers[name] = value;
  }
  return headers;
}

// Answers up to this size are read whole and sent with their headers in one write; larger or
// unsized ones are streamed. Socket writes are the largest cost of the gateway's hot path.
const BUFFERED_RESPONSE_BYTES = 64 * 1024;

/** Drops an upstream body unread; undici reports the abort as an 'error' nobody needs to hear. */
function discard(body: UpstreamResponse['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

export function responseTooLarge(upstream: string, limitBytes: number): AppError {
  return AppError.badGateway('UPSTREAM_RESPONSE_TOO_LARGE', `The ${upstream} service answered with more than ${limitBytes} bytes.`);
}

/** Reads a stream whole, failing with `tooLarge()` as soon as more than `limitBytes` came. */
async function readWhole(stream: AsyncIterable<Buffer>, limitBytes: number, tooLarge: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > limitBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A request body read whole (to fingerprint and keep it); 413 past `limitBytes`, declared or sent. */
export function readRequestBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  checkDeclaredLength(req, limitBytes);
  return readWhole(req, limitBytes, () => payloadTooLarge(limitBytes));
}

/** Refuses (502) an answer that declares more than `limitBytes`, before anything of it is sent on. */
function checkDeclaredResponseLength(response: UpstreamResponse, upstream: string, limitBytes: number): number {
  const length = Number(response.headers['content-length']);
  if (Number.isFinite(length) && length > limitBytes) {
    discard(response.body);
    throw responseTooLarge(upstream, limitBytes);
  }
  return length;
}

/** An upstream answer read whole (to keep it); 502 past `limitBytes`, declared or sent. */
export async function readResponse(response: UpstreamResponse, upstream: string, limitBytes: number): Promise<Buffer> {
  checkDeclaredResponseLength(response, upstream, limitBytes);
  try {
    return await readWhole(response.body, limitBytes, () => responseTooLarge(upstream, limitBytes));
  } catch (err) {
    discard(response.body);
    throw err;
  }
}

/**
 * Sends the upstream's answer to the client; a failure mid-body ends the client's response.
 * An answer that declares more than `limitBytes` is refused with 502 before anything is sent; an
 * unsized one that grows past it is cut off there (the client sees a truncated response).
 */
export function streamResponse(res: ServerResponse, response: UpstreamResponse, logger: Logger, upstream: string, limitBytes: number): void {
  const { body } = response;
  const length = checkDeclaredResponseLength(response, upstream, limitBytes);
  res.statusCode = response.statusCode;
  for (const [name, value] of Object.entries(responseHeaders(response.headers))) {
    if (value !== undefined) res.setHeader(name, value);
  }
  const failed = (err: Error) => {
    logger.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, 'upstream response body failed mid-stream; client connection closed');
    res.destroy(err);
  };
  if (Number.isFinite(length) && length <= BUFFERED_RESPONSE_BYTES) {
    body.arrayBuffer().then((bytes) => res.end(Buffer.from(bytes)), failed);
    return;
  }
  // pipe rather than stream.pipeline: pipeline allocates an AbortController (and a DOMException
  // when it finishes) per call, a measurable share of the hot path.
  body.once('error', failed);
  res.once('close', () => {
    if (!res.writableFinished && !body.destroyed) discard(body);
  });
  if (Number.isFinite(length)) {
    body.pipe(res);
    return;
  }
  const limited = new BodyLimit(limitBytes, () => responseTooLarge(upstream, limitBytes));
  limited.once('error', (err) => {
    discard(body);
    failed(err);
  });
  body.pipe(limited).pipe(res);
}
