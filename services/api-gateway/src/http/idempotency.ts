// Idempotency-Key on POST (issue 5 item 4, draft-ietf-httpapi-idempotency-key-header): honoured on
// every POST, required on those in idempotency-policy.ts. The first response is kept for 24 h and
// replayed with `Idempotent-Replayed: true`; the same key with another body is 422, and while the
// first request is still running, 409. Upstream 5xx and gateway failures are not kept: the
// outcome is unknown or nothing happened, so a retry must run again (the key is forwarded, and
// the services' own idempotency keys — DESIGN.md §5 — catch a retry whose first attempt did act).
//
// Redis down: a POST with a key answers 503 with Retry-After. Executing it without the store could
// charge twice, which is worse for a client than being asked to retry.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, type Logger } from '@runfleet/service-kit';
import { requestFingerprint, type IdempotencyStore, type StoredResponse } from '../data/idempotency-store';
import type { VerifiedCredential } from '../domain/verified-credential';
import { GatewayError, retryAfter } from './gateway-errors';
import { idempotencyKeyRequired } from './idempotency-policy';
import { readRequestBody, readResponse, responseHeaders } from './proxy';
import type { UpstreamResponse } from './upstreams';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
// Visible ASCII, as the draft's sf-string allows; long enough for any UUID or ULID scheme.
const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;
// What a replay must repeat for a client to treat it as the original answer.
const KEPT_HEADERS = ['content-type', 'location', 'etag', 'last-modified', 'content-location', 'link', 'cache-control'];

function unavailable(cause: unknown): GatewayError {
  return new GatewayError(
    AppError.serviceUnavailable('IDEMPOTENCY_UNAVAILABLE', 'Idempotency keys cannot be honoured right now; retry with the same key shortly.', { cause }),
    retryAfter(5000),
  );
}

function keptHeaders(response: UpstreamResponse): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = response.headers[name];
    if (typeof value === 'string') kept[name] = value;
  }
  return kept;
}

export interface IdempotencyOptions {
  store: IdempotencyStore;
  bodyLimitBytes: number;
  responseLimitBytes: number;
  logger: Logger;
}

export class Idempotency {
  constructor(private readonly options: IdempotencyOptions) {}

  /** The request's Idempotency-Key, undefined when it has none and needs none; 400 when missing but required, or malformed. */
  keyOf(req: IncomingMessage, path: string): string | undefined {
    if (req.method !== 'POST') return undefined;
    const key = req.headers[IDEMPOTENCY_KEY_HEADER];
    if (key === undefined) {
      if (idempotencyKeyRequired(req.method, path)) {
        throw AppError.badRequest('IDEMPOTENCY_KEY_MISSING', 'This request moves money or places work: send an Idempotency-Key header.', {
          errors: [{ field: 'header.idempotency-key', message: 'is required' }],
        });
      }
      return undefined;
    }
    if (typeof key !== 'string' || !KEY_FORMAT.test(key)) {
      throw AppError.badRequest('IDEMPOTENCY_KEY_INVALID', 'The Idempotency-Key must be 1-255 visible ASCII characters.', {
        errors: [{ field: 'header.idempotency-key', message: 'must be 1-255 visible ASCII characters' }],
      });
    }
    return key;
  }

  /** Runs the POST at most once per (principal, key) and answers the client. */
  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    url: string,
    key: string,
    credential: VerifiedCredential,
    upstream: string,
    forward: (body: Buffer) => Promise<UpstreamResponse>,
  ): Promise<void> {
    const { store, logger } = this.options;
    const body = await readRequestBody(req, this.options.bodyLimitBytes);
    const fingerprint = requestFingerprint(req.method ?? 'POST', url, body);
    const scope = `${credential.principal.type}:${credential.principal.id}`;

    let outcome;
    try {
      outcome = await store.begin(scope, key, fingerprint);
    } catch (err) {
      throw unavailable(err);
    }
    if (outcome.kind === 'mismatch') {
      throw AppError.unprocessable('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request.');
    }
    if (outcome.kind === 'in_flight') {
      throw new GatewayError(AppError.conflict('IDEMPOTENCY_REQUEST_IN_FLIGHT', 'A request with this Idempotency-Key is still being processed.'), retryAfter(1000));
    }
    if (outcome.kind === 'unreadable') {
      // Running it again could act twice; the client can only be told to use a new key.
      throw AppError.conflict('IDEMPOTENCY_RECORD_UNREADABLE', 'The answer kept for this Idempotency-Key can no longer be read; check the outcome, then retry with a new key.');
    }
    if (outcome.kind === 'replay') {
      this.send(res, outcome.response, true);
      return;
    }

    let response: UpstreamResponse;
    let responseBody: Buffer;
    try {
      response = await forward(body);
      responseBody = await readResponse(response, upstream, this.options.responseLimitBytes);
    } catch (err) {
      await store.release(scope, key, outcome.owner).catch((releaseErr: unknown) => logger.error({ err: releaseErr }, 'could not release an idempotency key'));
      throw err;
    }
    if (response.statusCode >= 500) {
      await store.release(scope, key, outcome.owner).catch((err: unknown) => logger.error({ err }, 'could not release an idempotency key'));
    } else {
      const stored: StoredResponse = { status: response.statusCode, headers: keptHeaders(response), body: responseBody.toString('base64') };
      await store.complete(scope, key, outcome.owner, fingerprint, stored).catch((err: unknown) =>
        // The client still gets its answer; retries see 409 until the in-flight marker expires.
        logger.error({ err }, 'could not store an idempotent response'),
      );
    }
    res.statusCode = response.statusCode;
    for (const [name, value] of Object.entries(responseHeaders(response.headers))) {
      if (value !== undefined && name !== 'content-length') res.setHeader(name, value);
    }
    res.end(responseBody);
  }

  private send(res: ServerResponse, stored: StoredResponse, replayed: boolean): void {
    res.statusCode = stored.status;
    for (const [name, value] of Object.entries(stored.headers)) res.setHeader(name, value);
    if (replayed) res.setHeader(REPLAYED_HEADER, 'true');
    res.end(Buffer.from(stored.body, 'base64'));
  }
}
