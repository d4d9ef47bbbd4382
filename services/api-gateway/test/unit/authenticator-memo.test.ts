// The authenticator's in-process copy of verified credentials (auth.ts): requests are answered from
// memory while the copy is re-read from Redis in the background, and a copy is never served longer
// than LOCAL_MEMO_MS after the Redis read it came from. The principal cache is faked here (a unit
// test of the memo's timing); the real Redis path is covered by component/authentication.test.ts.
import type { IncomingMessage } from 'node:http';
import { Registry } from 'prom-client';
import { createLogger } from '@runfleet/service-kit';
import type { PrincipalCache } from '../../src/data/principal-cache';
import type { VerifiedCredential } from '../../src/domain/verified-credential';
import { Authenticator, LOCAL_MEMO_MS, LOCAL_REFRESH_AFTER_MS } from '../../src/http/auth';
import type { CredentialVerifier } from '../../src/http/credential-verifier';
import { createGatewayMetrics } from '../../src/http/gateway-metrics';
import type { RateLimits } from '../../src/http/rate-limits';

const KEY = `rf_sk_${'a'.repeat(12)}_${'B'.repeat(43)}`;
const credential: VerifiedCredential = {
  keyId: 'key-1',
  principal: { type: 'customer', id: 'cust-1', resellerId: 'res-1', scopes: [] },
  allowedIps: [],
  rateLimit: null,
  expiresAt: null,
};
const request = { headers: { authorization: `Bearer ${KEY}` } } as IncomingMessage;

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets settled promises run their callbacks. */
const settle = () => new Promise<void>((resolve) => jest.requireActual<typeof import('node:timers')>('node:timers').setImmediate(resolve));

let redisReads: Deferred<VerifiedCredential | null>[];
let verifications: number;
let authenticator: Authenticator;

beforeEach(() => {
  jest.useFakeTimers({ now: new Date('2026-12-05T12:00:00Z'), doNotFake: ['setImmediate', 'nextTick'] });
  redisReads = [];
  verifications = 0;
  const cache = {
    hashOf: (token: string) => `hmac(${token.length})`,
    get: () => {
      const read = deferred<VerifiedCredential | null>();
      redisReads.push(read);
      return read.promise;
    },
    put: async () => true,
  } as unknown as PrincipalCache;
  const verifier = {
    verify: async () => {
      verifications += 1;
      return credential;
    },
  } as unknown as CredentialVerifier;
  const rateLimits = { assertNotBlocked: async () => undefined, recordFailure: async () => undefined } as unknown as RateLimits;
  authenticator = new Authenticator({
    cache,
    verifier,
    rateLimits,
    metrics: createGatewayMetrics(new Registry()),
    logger: createLogger({ service: 'test', level: 'silent' }),
    cacheTtlSeconds: 60,
  });
});

afterEach(() => {
  jest.useRealTimers();
});

/** A first request: Redis has no entry, the issuer verifies, the credential is remembered. */
async function firstRequest(): Promise<void> {
  const pending = authenticator.authenticate(request, '10.0.0.1');
  expect(pending).toBeInstanceOf(Promise);
  await settle();
  redisReads.shift()!.resolve(null);
  await expect(pending).resolves.toEqual(credential);
  expect(verifications).toBe(1);
}

describe('the in-process copy of a verified credential', () => {
  it('answers at once, without Redis, while it is young', async () => {
    await firstRequest();
    jest.advanceTimersByTime(LOCAL_REFRESH_AFTER_MS - 1);
    expect(authenticator.authenticate(request, '10.0.0.1')).toEqual(credential);
    expect(redisReads).toHaveLength(0);
  });

  it('past its refresh age, still answers at once and reads Redis once in the background', async () => {
    await firstRequest();
    jest.advanceTimersByTime(LOCAL_REFRESH_AFTER_MS);
    expect(authenticator.authenticate(request, '10.0.0.1')).toEqual(credential);
    expect(authenticator.authenticate(request, '10.0.0.1')).toEqual(credential);
    expect(redisReads).toHaveLength(1);
  });

  it('lives on for LOCAL_MEMO_MS from the background read that found it in Redis', async () => {
    await firstRequest();
    jest.advanceTimersByTime(LOCAL_REFRESH_AFTER_MS);
    authenticator.authenticate(request, '10.0.0.1');
    redisReads.shift()!.resolve(credential);
    await settle();
    // past the first copy's end, within the refreshed one's
    jest.advanceTimersByTime(LOCAL_MEMO_MS - 1);
    expect(authenticator.authenticate(request, '10.0.0.1')).toEqual(credential);
    expect(verifications).toBe(1);
  });

  it('is dropped when the background read finds the entry gone from Redis (revoked elsewhere, or past its TTL)', async () => {
    await firstRequest();
    jest.advanceTimersByTime(LOCAL_REFRESH_AFTER_MS);
    authenticator.authenticate(request, '10.0.0.1');
    redisReads.shift()!.resolve(null);
    await settle();
    expect(authenticator.authenticate(request, '10.0.0.1')).toBeInstanceOf(Promise);
  });

  it('is not served past LOCAL_MEMO_MS when the background read never answers', async () => {
    await firstRequest();
    jest.advanceTimersByTime(LOCAL_REFRESH_AFTER_MS);
    authenticator.authenticate(request, '10.0.0.1');
    jest.advanceTimersByTime(LOCAL_MEMO_MS - LOCAL_REFRESH_AFTER_MS);
    expect(authenticator.authenticate(request, '10.0.0.1')).toBeInstanceOf(Promise);
  });

  it('stays forgotten after a revocation, even when a background read from before it answers afterwards', async () => {
    await firstRequest();
    jest.advanceTimersByTime(LOCAL_REFRESH_AFTER_MS);
    authenticator.authenticate(request, '10.0.0.1');
    authenticator.forget('key-1');
    redisReads.shift()!.resolve(credential);
    await settle();
    expect(authenticator.authenticate(request, '10.0.0.1')).toBeInstanceOf(Promise);
  });
});
