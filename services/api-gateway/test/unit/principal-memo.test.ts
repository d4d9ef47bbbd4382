// The gateway's in-process memo of verified credentials (issue 13 item 12): it answers a key for
// LOCAL_MEMO_MS (500 ms) without Redis or the issuer — the bound on how long another replica may
// still let a revoked key in — and not a moment longer.
import type { IncomingMessage } from 'node:http';
import { Registry } from 'prom-client';
import { createLogger } from '@runfleet/service-kit';
import { Authenticator, LOCAL_MEMO_MS } from '../../src/http/auth';
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

function request(): IncomingMessage {
  return { headers: { authorization: `Bearer ${TOKEN}` } } as IncomingMessage;
}

test(`a verified key is answered from memory for ${LOCAL_MEMO_MS} ms, then asked again (the revocation bound across replicas)`, async () => {
  jest.useFakeTimers({ now: Date.now() });
  try {
    let issuerSays: VerifiedCredential | null = credential;
    const verify = jest.fn(async () => issuerSays);
    const cache = { hashOf: () => 'hash', get: async () => null, put: async () => undefined } as unknown as PrincipalCache;
    const rateLimits = { assertNotBlocked: async () => undefined, recordFailure: async () => undefined } as unknown as RateLimits;
    const auth = new Authenticator({
      cache,
      verifier: { verify } as unknown as CredentialVerifier,
      rateLimits,
      metrics: createGatewayMetrics(new Registry()),
      logger: createLogger({ service: 'api-gateway', level: 'silent' }),
      cacheTtlSeconds: 60,
    });

    expect(await auth.authenticate(request(), '127.0.0.1')).toEqual(credential);
    // Revoked at the issuer (and gone from Redis); this replica never heard of it.
    issuerSays = null;
    jest.setSystemTime(Date.now() + LOCAL_MEMO_MS - 1);
    expect(await auth.authenticate(request(), '127.0.0.1')).toEqual(credential);
    expect(verify).toHaveBeenCalledTimes(1);
    jest.setSystemTime(Date.now() + 1);
    await expect(Promise.resolve().then(() => auth.authenticate(request(), '127.0.0.1'))).rejects.toMatchObject({ status: 401 });
    expect(verify).toHaveBeenCalledTimes(2);
    expect(LOCAL_MEMO_MS).toBe(500);
  } finally {
    jest.useRealTimers();
  }
});
