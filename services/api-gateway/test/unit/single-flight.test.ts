// Single flight at the gateway (issue 14/15 follow-up): concurrent requests with a credential this
// process has not verified share one call to its issuer, and a revocation or owner change in the
// meantime is never undone by a call that began before it (auth.ts).
import type { IncomingMessage } from 'node:http';
import { Registry } from 'prom-client';
import { createLogger } from '@runfleet/service-kit';
import { Authenticator } from '../../src/http/auth';
import type { PrincipalCache } from '../../src/data/principal-cache';
import type { CredentialVerifier } from '../../src/http/credential-verifier';
import type { RateLimits } from '../../src/http/rate-limits';
import { createGatewayMetrics } from '../../src/http/gateway-metrics';
import type { VerifiedCredential } from '../../src/domain/verified-credential';

const TOKEN = `rf_sk_${'A'.repeat(12)}_${'b'.repeat(43)}`;
const credential: VerifiedCredential = {
  keyId: 'key-1',
  principal: { type: 'customer', id: 'c-1', resellerId: null, scopes: [] },
  allowedIps: [],
  rateLimit: null,
  expiresAt: null,
};

const request = () => ({ headers: { authorization: `Bearer ${TOKEN}` } }) as IncomingMessage;

/** An issuer whose answers the test releases by hand, so calls are truly concurrent. */
function world(options: { blocked?: string[]; held?: string } = {}) {
  let says: VerifiedCredential | null = credential;
  const pending: (() => void)[] = [];
  const verify = jest.fn(async () => {
    const verdict = says;
    await new Promise<void>((resolve) => pending.push(resolve));
    return verdict;
  });
  const failures: string[] = [];
  // the `held` address's brute-force check (a Redis read in the gateway) answers only when the test lets it
  let letHeldThrough = () => {};
  const heldCheck = new Promise<void>((resolve) => (letHeldThrough = resolve));
  const rateLimits = {
    assertNotBlocked: async (ip: string) => {
      if (ip === options.held) await heldCheck;
      if (options.blocked?.includes(ip)) throw Object.assign(new Error('blocked'), { status: 429 });
    },
    recordFailure: async (ip: string) => {
      failures.push(ip);
    },
  } as unknown as RateLimits;
  const auth = new Authenticator({
    cache: { hashOf: () => 'hash', get: async () => null, put: async () => true } as unknown as PrincipalCache,
    verifier: { verify } as unknown as CredentialVerifier,
    rateLimits,
    metrics: createGatewayMetrics(new Registry()),
    logger: createLogger({ service: 'api-gateway', level: 'silent' }),
    cacheTtlSeconds: 60,
  });
  const authenticate = (ip = '127.0.0.1') => Promise.resolve().then(() => auth.authenticate(request(), ip));
  /** lets the issuer answer every call made so far, once they have all been made */
  const release = async () => {
    while (pending.length === 0) await new Promise((resolve) => setImmediate(resolve));
    for (const resolve of pending.splice(0)) resolve();
  };
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { auth, verify, failures, authenticate, release, settle, letHeldThrough, setVerdict: (v: VerifiedCredential | null) => (says = v) };
}

describe('verifying a credential this process has not seen', () => {
  it('50 concurrent requests with a new key make 1 call to the issuer, and all are let in', async () => {
    const w = world();
    const answers = Array.from({ length: 50 }, (_, i) => w.authenticate(`127.0.1.${i}`));
    await w.settle();
    await w.release();
    expect(await Promise.all(answers)).toEqual(Array(50).fill(credential));
    expect(w.verify).toHaveBeenCalledTimes(1);
  });

  it('50 concurrent requests with an invalid key make 1 call, and each caller’s address is charged its failure', async () => {
    const w = world();
    w.setVerdict(null);
    const answers = Array.from({ length: 50 }, (_, i) => w.authenticate(`127.0.2.${i}`).then(() => 200, (err: { status: number }) => err.status));
    await w.settle();
    await w.release();
    expect(await Promise.all(answers)).toEqual(Array(50).fill(401));
    expect(w.verify).toHaveBeenCalledTimes(1);
    expect(new Set(w.failures).size).toBe(50);
  });

  it('a request that missed the cache just before the call landed is answered by it, not by a second call', async () => {
    const w = world({ held: '127.0.4.2' });
    const first = w.authenticate('127.0.4.1');
    // the late one has read the cache (empty) and waits on its brute-force check while the call lands
    const late = w.authenticate('127.0.4.2');
    await w.settle();
    await w.release();
    expect(await first).toEqual(credential);
    w.letHeldThrough();
    await w.settle();
    expect(w.verify).toHaveBeenCalledTimes(1);
    expect(await late).toEqual(credential);
  });

  it('a blocked address among them gets its 429 alone; the others share the flight', async () => {
    const w = world({ blocked: ['127.0.3.1'] });
    const answers = ['127.0.3.1', '127.0.3.2', '127.0.3.3'].map((ip) => w.authenticate(ip).then(() => 200, (err: { status: number }) => err.status));
    await w.settle();
    await w.release();
    expect(await Promise.all(answers)).toEqual([429, 200, 200]);
    expect(w.verify).toHaveBeenCalledTimes(1);
  });

  it('a request after a revocation does not join a call begun before it, and that call’s verdict is not kept', async () => {
    const w = world();
    const before = w.authenticate();
    await w.settle();
    expect(w.verify).toHaveBeenCalledTimes(1);
    // revoked: the issuer now says no, and this process hears of it while the first call is in flight
    w.setVerdict(null);
    w.auth.forget('key-1');
    const after = w.authenticate().then(() => 200, (err: { status: number }) => err.status);
    await w.settle();
    expect(w.verify).toHaveBeenCalledTimes(2);
    await w.release();
    expect(await before).toEqual(credential); // concurrent with the revocation: either answer is fair
    expect(await after).toBe(401);
    // the first call landed after the drop: it must not have been remembered
    const later = w.authenticate().then(() => 200, (err: { status: number }) => err.status);
    await w.release();
    expect(await later).toBe(401);
    expect(w.verify).toHaveBeenCalledTimes(3);
  });

  it('an owner change detaches the flights in progress the same way', async () => {
    const w = world();
    const before = w.authenticate();
    await w.settle();
    w.setVerdict(null);
    w.auth.forgetOwner({ type: 'customer', id: 'c-1' });
    const after = w.authenticate().then(() => 200, (err: { status: number }) => err.status);
    await w.settle();
    await w.release();
    await before;
    expect(await after).toBe(401);
    expect(w.verify).toHaveBeenCalledTimes(2);
  });
});
