// Verified credentials cached in Redis for at most 60 s (issue 5 item 1), so the hot path costs one
// GET instead of a call to the issuing service. Keys are an HMAC of the raw credential, never the
// credential itself: Redis (and its dumps) cannot be used to recover or replay a key. A revocation
// drops the entry through an index by key id and leaves a short tombstone, so a verification
// that was in flight while the key was revoked cannot put it back.
import { createHmac } from 'node:crypto';
import type { Redis } from 'ioredis';
import { verifiedCredentialSchema, type VerifiedCredential } from '../domain/verified-credential';

// Longer than the longest verification call plus the cache TTL, so no late write outlives it.
const TOMBSTONE_SECONDS = 120;

// KEYS: entry, index by key id, tombstone. ARGV: entry JSON, entry hash, ttl ms.
const CACHE_WRITE = `
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 1`;

// KEYS: index by key id, tombstone. ARGV: entry key prefix, tombstone seconds.
const CACHE_DROP = `
redis.call('SET', KEYS[2], '1', 'EX', ARGV[2])
local hash = redis.call('GET', KEYS[1])
redis.call('DEL', KEYS[1])
if hash then return redis.call('DEL', ARGV[1] .. hash) end
return 0`;

type CacheCommands = Redis & {
  principalCacheWrite(entry: string, index: string, tombstone: string, json: string, hash: string, ttlMs: string): Promise<number>;
  principalCacheDrop(index: string, tombstone: string, entryPrefix: string, tombstoneSeconds: string): Promise<number>;
};

export class PrincipalCache {
  private readonly redis: CacheCommands;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly hmacSecret: string,
  ) {
    this.redis = redis as CacheCommands;
    if (!('principalCacheWrite' in redis)) {
      redis.defineCommand('principalCacheWrite', { numberOfKeys: 3, lua: CACHE_WRITE });
      redis.defineCommand('principalCacheDrop', { numberOfKeys: 2, lua: CACHE_DROP });
    }
  }

  /** The cache's name for a credential: HMAC-SHA256 under the gateway's key-cache secret. */
  hashOf(credential: string): string {
    return createHmac('sha256', this.hmacSecret).update(credential).digest('base64url');
  }

  private entryKey(hash: string): string {
    return `${this.prefix}auth:entry:${hash}`;
  }
  private indexKey(keyId: string): string {
    return `${this.prefix}auth:key:${keyId}`;
  }
  private tombstoneKey(keyId: string): string {
    return `${this.prefix}auth:revoked:${keyId}`;
  }

  /** The cached verification, or null; throws when Redis fails (the caller decides what that means). */
  async get(hash: string): Promise<VerifiedCredential | null> {
    const json = await this.redis.get(this.entryKey(hash));
    if (json === null) return null;
    const parsed = verifiedCredentialSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  }

  /** Caches for `ttlMs`; does nothing when the key was revoked moments ago. */
  async put(hash: string, credential: VerifiedCredential, ttlMs: number): Promise<boolean> {
    const stored = await this.redis.principalCacheWrite(
      this.entryKey(hash),
      this.indexKey(credential.keyId),
      this.tombstoneKey(credential.keyId),
      JSON.stringify(credential),
      hash,
      String(Math.max(1, Math.floor(ttlMs))),
    );
    return stored === 1;
  }

  /** Forgets a credential by its key id (revocation); idempotent. */
  async drop(keyId: string): Promise<void> {
    await this.redis.principalCacheDrop(this.indexKey(keyId), this.tombstoneKey(keyId), `${this.prefix}auth:entry:`, String(TOMBSTONE_SECONDS));
  }
}
