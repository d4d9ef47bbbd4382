// Revocation against the gateway's shared principal cache (issue 13 item 12), on the real Redis: two
// replicas share it, and a verification that was in flight when the key was revoked must not put the
// key back — the tombstone the revocation leaves wins — so the other replica refuses the key.
import type { IncomingMessage } from 'node:http';
import { Registry } from 'prom-client';
import type { Redis } from 'ioredis';
import { createLogger } from '@runfleet/service-kit';
import { REDIS_URL, uniqueRedisPrefix } from '@runfleet/test-infra';
import { PrincipalCache } from '../../src/data/principal-cache';
import type { VerifiedCredential } from '../../src/domain/verified-credential';
import { Authenticator } from '../../src/http/auth';
import type { CredentialVerifier } from '../../src/http/credential-verifier';
import { createGatewayMetrics } from '../../src/http/gateway-metrics';
import type { RateLimits } from '../../src/http/rate-limits';
import { createRedis } from '../../src/redis';

const logger = createLogger({ service: 'api-gateway', level: 'silent' });
const TOKEN = `rf_sk_${'A'.repeat(12)}_${'c'.repeat(43)}`;
const credential: VerifiedCredential = {
  keyId: `key-${Date.now()}`,
  principal: { type: 'customer', id: 'c-1', resellerId: null, scopes: [] },
  allowedIps: [],
  rateLimit: null,
  expiresAt: null,
};
const prefix = uniqueRedisPrefix('gateway_revocation');
const connections: Redis[] = [];

afterAll(async () => {
  const [first] = connections;
  if (first) {
    const keys = await first.keys(`${prefix}*`);
    if (keys.length > 0) await first.del(...keys);
  }
  for (const c of connections) c.disconnect();
});

async function replica(verify: () => Promise<VerifiedCredential | null>): Promise<{ auth: Authenticator; cache: PrincipalCache }> {
  const redis = createRedis(REDIS_URL, logger);
  connections.push(redis);
  await new Promise<void>((resolve) => (redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve())));
  const cache = new PrincipalCache(redis, prefix, 'test-hmac-secret-of-at-least-32-characters');
  const auth = new Authenticator({
    cache,
    verifier: { verify } as unknown as CredentialVerifier,
    rateLimits: { assertNotBlocked: async () => undefined, recordFailure: async () => undefined } as unknown as RateLimits,
    metrics: createGatewayMetrics(new Registry()),
    logger,
    cacheTtlSeconds: 60,
  });
  return { auth, cache };
}

const request = () => ({ headers: { authorization: `Bearer ${TOKEN}` } }) as IncomingMessage;

test('a verification in flight when the key is revoked cannot cache it again: the other replica refuses the key', async () => {
  let issuerSays: VerifiedCredential | null = credential;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  // Replica A asked the issuer while the key was valid; the answer arrives after the revocation.
  const a = await replica(async () => {
    const answer = issuerSays;
    await released;
    return answer;
  });
  const b = await replica(async () => issuerSays);

  const inFlight = Promise.resolve(a.auth.authenticate(request(), '127.0.0.1'));
  // Let A's verification reach the issuer before the revocation lands.
  await new Promise((r) => setTimeout(r, 50));
  issuerSays = null;
  await b.cache.drop(credential.keyId); // what the revocation consumer of either replica does
  release();

  // The request that was already in flight completes (it was authorised before the revocation)…
  expect(await inFlight).toEqual(credential);
  // …but its verdict did not reach the shared cache: replica B asks the issuer and refuses.
  expect(await b.cache.get(b.cache.hashOf(TOKEN))).toBeNull();
  await expect(Promise.resolve().then(() => b.auth.authenticate(request(), '127.0.0.2'))).rejects.toMatchObject({ status: 401 });
});

test('a key cached by one replica is served by the other, and one revocation drops it for both', async () => {
  const other: VerifiedCredential = { ...credential, keyId: `${credential.keyId}-2` };
  const token = `rf_sk_${'B'.repeat(12)}_${'d'.repeat(43)}`;
  let issuerSays: VerifiedCredential | null = other;
  const verify = jest.fn(async () => issuerSays);
  const a = await replica(verify);
  const b = await replica(verify);
  const req = () => ({ headers: { authorization: `Bearer ${token}` } }) as IncomingMessage;

  expect(await a.auth.authenticate(req(), '127.0.0.1')).toEqual(other);
  expect(await b.auth.authenticate(req(), '127.0.0.1')).toEqual(other);
  expect(verify).toHaveBeenCalledTimes(1); // B found A's verdict in Redis

  issuerSays = null;
  await a.cache.drop(other.keyId);
  a.auth.forget(other.keyId);
  b.auth.forget(other.keyId);
  for (const replicaUnderTest of [a, b]) {
    await expect(Promise.resolve().then(() => replicaUnderTest.auth.authenticate(req(), '127.0.0.3'))).rejects.toMatchObject({ status: 401 });
  }
});
