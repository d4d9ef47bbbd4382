// Authentication of every public request (issue 5 item 1): the bearer credential's (or, with no
// Authorization header, the session cookie's: issue 19) prefix names its issuer, the issuer's verdict is cached in Redis for at most 60 s, every failure is the same
// 401, failures are counted per client IP (429 past the budget), and a key's IP allow-list → 403.
import type { IncomingMessage } from 'node:http';
import { AppError, type Logger } from '@runfleet/service-kit';
import { bearerToken, credentialKindOf, type CredentialKind } from '../domain/credential-kinds';
import type { SessionCookies } from '../domain/session-cookies';
import { ipAllowed } from '../domain/ip-allow-list';
import { msUntilExpiry, type VerifiedCredential } from '../domain/verified-credential';
import type { KeyOwner, PrincipalCache } from '../data/principal-cache';
import type { CredentialVerifier } from './credential-verifier';
import { invalidCredentials } from './gateway-errors';
import type { GatewayMetrics } from './gateway-metrics';
import type { RateLimits } from './rate-limits';

export interface AuthenticatorOptions {
  cache: PrincipalCache;
  verifier: CredentialVerifier;
  rateLimits: RateLimits;
  metrics: GatewayMetrics;
  logger: Logger;
  cacheTtlSeconds: number;
}

// Verified credentials are also kept in this process for half a second: a busy key skips the Redis
// round trip on most requests, while a revocation, rotation, suspension or deactivation still takes
// effect everywhere within 1 s (the consumers drop the Redis entries and this process's copies; other
// replicas' copies expire first). A copy never outlives the key's own expiry.
// This copy is keyed by the bearer credential itself, not its HMAC: computing the HMAC was the
// largest piece of the gateway's own code per request. The credential only stays in this process's
// memory (as the request that carried it does), for half a second; nothing keyed by it leaves the
// process.
export const LOCAL_MEMO_MS = 500;
const LOCAL_MEMO_MAX = 10_000;

// Single flight: concurrent requests with a credential this process has not verified yet share one
// call to its issuer (a new key's first burst would otherwise send the issuer one call per request).
// A revocation or owner change in this process starts a new generation: requests after it never join
// a call that began before it, and such a call's verdict is not kept in memory (Redis refuses it
// through the tombstone, data/principal-cache.ts), so the drop bites for every later request.
interface IssuerFlight {
  generation: number;
  verdict: Promise<VerifiedCredential | null>;
}

export class Authenticator {
  /** by bearer credential */
  private readonly memo = new Map<string, { credential: VerifiedCredential; until: number }>();
  /** issuer calls in progress, by bearer credential */
  private readonly flights = new Map<string, IssuerFlight>();
  /** bumped by every drop: what was read or asked before it must not be kept after it */
  private generation = 0;

  constructor(private readonly options: AuthenticatorOptions) {}

  /** Forgets this process's copy of a revoked or rotated credential (the Redis entry is dropped by the cache). */
  forget(keyId: string): void {
    this.startGeneration();
    for (const [token, entry] of this.memo) if (entry.credential.keyId === keyId) this.memo.delete(token);
  }

  /** Forgets this process's copies of every credential of a suspended or deactivated owner. */
  forgetOwner(owner: KeyOwner): void {
    this.startGeneration();
    for (const [token, entry] of this.memo) {
      const { principal } = entry.credential;
      if (principal.type === owner.type && principal.id === owner.id) this.memo.delete(token);
    }
  }

  /** A flight's credential is not known until it lands, so a drop detaches every flight in progress. */
  private startGeneration(): void {
    this.generation += 1;
    this.flights.clear();
  }

  private remember(token: string, credential: VerifiedCredential, generation: number): void {
    if (generation !== this.generation) return;
    if (this.memo.size >= LOCAL_MEMO_MAX) this.memo.clear();
    this.memo.set(token, { credential, until: Date.now() + Math.min(LOCAL_MEMO_MS, msUntilExpiry(credential)) });
  }

  private rememberedCredential(token: string): VerifiedCredential | undefined {
    const local = this.memo.get(token);
    if (local === undefined || local.until <= Date.now()) return undefined;
    this.options.metrics.authCache.inc({ result: 'hit' });
    return local.credential;
  }

  /**
   * The caller's verified credential, or a 401 / 403 / 429 / 503 (an AppError). A key this process
   * verified moments ago is answered at once, without a promise or Redis (the hot path); anything
   * else returns a promise. Malformed keys are refused as a promise too, after the per-IP failure
   * budget is checked and charged; a request with no credential at all gets the same 401 without
   * either. `cookies`: the session cookies of a request without an Authorization header, if any; a
   * bearer credential always wins over them.
   */
  authenticate(req: IncomingMessage, clientIp: string, cookies?: SessionCookies): VerifiedCredential | Promise<VerifiedCredential> {
    // No credential at all is not a guess: the failure budget is there to stop key guessing, and
    // charging it for anonymous requests (a browser, a probe, a client before its key is set) would
    // lock everyone behind that address out of new keys for a minute over requests that cost
    // nothing to refuse, and send each to Redis twice. A header of any other shape is a wrong
    // credential and is counted, and so is a session cookie that is not a valid session.
    let token: string | undefined;
    let kind: CredentialKind | undefined;
    if (req.headers.authorization) {
      token = bearerToken(req.headers.authorization);
      kind = token === undefined ? undefined : credentialKindOf(token, 'bearer');
    } else if (cookies !== undefined) {
      token = cookies.session;
      kind = credentialKindOf(token, 'cookie');
    } else {
      return Promise.reject(invalidCredentials());
    }
    if (token === undefined || kind === undefined) return this.reject(clientIp);
    const remembered = this.rememberedCredential(token);
    if (remembered !== undefined) return this.allowedFrom(remembered, clientIp);
    return this.verify(token, kind, clientIp);
  }

  /** A key not verified in this process moments ago: the Redis cache, else its issuer. */
  private async verify(token: string, kind: CredentialKind, clientIp: string): Promise<VerifiedCredential> {
    const hash = this.options.cache.hashOf(token);
    let credential = await this.cached(token, hash);
    if (credential === null) {
      // Only uncached credentials can be guesses, so only they pay for the brute-force check, each
      // caller for its own address (a blocked one must not fail the others sharing the flight).
      await this.options.rateLimits.assertNotBlocked(clientIp);
      credential = await this.askIssuer(token, hash, kind);
      if (credential === null) return this.reject(clientIp);
    }
    return this.allowedFrom(credential, clientIp);
  }

  /** The issuer's verdict, asked once for all concurrent callers of this generation, then cached. */
  private askIssuer(token: string, hash: string, kind: CredentialKind): Promise<VerifiedCredential | null> {
    const joined = this.flights.get(token);
    if (joined !== undefined) return joined.verdict;
    // A caller that read the cache before a flight landed but gets here after it (its brute-force
    // check waits on Redis behind the flight's cache write) finds the flight gone; the verdict it
    // left in memory answers it, instead of a second call to the issuer. Checked in the same tick
    // as the flights, so there is no gap between the two.
    const landed = this.rememberedCredential(token);
    if (landed !== undefined) return Promise.resolve(landed);
    const flight: IssuerFlight = { generation: this.generation, verdict: Promise.resolve(null) };
    flight.verdict = this.verifyWithIssuer(token, hash, kind, flight.generation).finally(() => {
      if (this.flights.get(token) === flight) this.flights.delete(token);
    });
    this.flights.set(token, flight);
    return flight.verdict;
  }

  private async verifyWithIssuer(token: string, hash: string, kind: CredentialKind, generation: number): Promise<VerifiedCredential | null> {
    const { cache, verifier, metrics } = this.options;
    const credential = await verifier.verify(kind, token);
    if (credential === null || msUntilExpiry(credential) <= 0) return null;
    this.remember(token, credential, generation);
    const ttlMs = Math.min(this.options.cacheTtlSeconds * 1000, msUntilExpiry(credential));
    await cache.put(hash, credential, ttlMs).catch((err: unknown) => {
      metrics.redisFallbacks.inc({ feature: 'auth_cache' });
      this.options.logger.warn({ err }, 'could not cache a verified credential; Redis unavailable');
    });
    return credential;
  }

  private allowedFrom(credential: VerifiedCredential, clientIp: string): VerifiedCredential {
    if (!ipAllowed(clientIp, credential.allowedIps)) {
      throw AppError.forbidden('AUTH_IP_NOT_ALLOWED', 'This key may not be used from this address.');
    }
    return credential;
  }

  /** The credential's entry in Redis, or null. */
  private async cached(token: string, hash: string): Promise<VerifiedCredential | null> {
    const { cache, metrics } = this.options;
    const generation = this.generation;
    try {
      const credential = await cache.get(hash);
      // An entry never outlives its key: the TTL is capped at the expiry, this is belt and braces.
      if (credential !== null && msUntilExpiry(credential) > 0) {
        metrics.authCache.inc({ result: 'hit' });
        this.remember(token, credential, generation);
        return credential;
      }
      metrics.authCache.inc({ result: 'miss' });
      return null;
    } catch (err) {
      // Redis down: ask the issuer every time (it is built for that rate) rather than refuse.
      metrics.authCache.inc({ result: 'error' });
      metrics.redisFallbacks.inc({ feature: 'auth_cache' });
      this.options.logger.warn({ err }, 'principal cache unavailable; verifying with the issuer');
      return null;
    }
  }

  private async reject(clientIp: string): Promise<never> {
    await this.options.rateLimits.assertNotBlocked(clientIp);
    await this.options.rateLimits.recordFailure(clientIp);
    throw invalidCredentials();
  }
}
