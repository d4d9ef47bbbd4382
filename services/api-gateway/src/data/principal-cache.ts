// Verified credentials cached in Redis for at most 60 s (issue 5 item 1), so the hot path costs one
// GET instead of a call to the issuing service. Keys are an HMAC of the raw credential, never the
// credential itself: Redis (and its dumps) cannot be used to recover or replay a key. A revocation
// or rotation drops the entry through an index by key id, a suspension or deactivation of the owner
// drops all its keys' entries through an index by owner (issue 12 defect 2), and either leaves a
// short tombstone, so a verification that was in flight during the change cannot put it back.
import { createHmac } from 'node:crypto';
import type { Redis } from 'ioredis';
import { verifiedCredentialSchema, type VerifiedCredential } from '../domain/verified-credential';

// Longer than the longest verification call plus the cache TTL, so no late write outlives it.
const TOMBSTONE_SECONDS = 120;

// KEYS: entry, index by key id, key tombstone, owner's key-id set, owner tombstone.
// ARGV: entry JSON, entry hash, ttl ms, key id. The owner's set lives as long as its longest entry.
const CACHE_WRITE = `
if redis.call('EXISTS', KEYS[3]) == 1 or redis.call('EXISTS', KEYS[5]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('SADD', KEYS[4], ARGV[4])
if redis.call('PTTL', KEYS[4]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[4], ARGV[3]) end
return 1`;

// KEYS: index by key id, tombstone. ARGV: entry key prefix, tombstone seconds.
const CACHE_DROP = `
redis.call('SET', KEYS[2], '1', 'EX', ARGV[2])
local hash = redis.call('GET', KEYS[1])
redis.call('DEL', KEYS[1])
if hash then return redis.call('DEL', ARGV[1] .. hash) end
return 0`;

// KEYS: owner's key-id set, owner tombstone. ARGV: index key prefix, entry key prefix, tombstone seconds.
const OWNER_DROP = `
redis.call('SET', KEYS[2], '1', 'EX', ARGV[3])
local dropped = 0
for _, keyId in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local hash = redis.call('GET', ARGV[1] .. keyId)
  redis.call('DEL', ARGV[1] .. keyId)
  if hash then dropped = dropped + redis.call('DEL', ARGV[2] .. hash) end
end
redis.call('DEL', KEYS[1])
return dropped`;

/** Whose keys a change invalidates: a reseller's own keys, or a customer's. */
export interface KeyOwner {
  type: 'admin' | 'reseller' | 'customer' | 'runner';
  id: string;
}

type CacheCommands = Redis & {
  principalCacheWrite(
    entry: string,
    index: string,
    tombstone: string,
    ownerSet: string,
    ownerTombstone: string,
    json: string,
    hash: string,
    ttlMs: string,
    keyId: string,
  ): Promise<number>;
  principalCacheDrop(index: string, tombstone: string, entryPrefix: string, tombstoneSeconds: string): Promise<number>;
  principalCacheOwnerDrop(ownerSet: string, ownerTombstone: string, indexPrefix: string, entryPrefix: string, tombstoneSeconds: string): Promise<number>;
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
      redis.defineCommand('principalCacheWrite', { numberOfKeys: 5, lua: CACHE_WRITE });
      redis.defineCommand('principalCacheDrop', { numberOfKeys: 2, lua: CACHE_DROP });
      redis.defineCommand('principalCacheOwnerDrop', { numberOfKeys: 2, lua: OWNER_DROP });
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
  private ownerSetKey(owner: KeyOwner): string {
    return `${this.prefix}auth:owner:${owner.type}:${owner.id}`;
  }
  private ownerTombstoneKey(owner: KeyOwner): string {
    return `${this.prefix}auth:owner-changed:${owner.type}:${owner.id}`;
  }

  /** The cached verification, or null; throws when Redis fails (the caller decides what that means). */
  async get(hash: string): Promise<VerifiedCredential | null> {
    const json = await this.redis.get(this.entryKey(hash));
    if (json === null) return null;
    const parsed = verifiedCredentialSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  }

  /** Caches for `ttlMs`; does nothing when the key or its owner changed moments ago. */
  async put(hash: string, credential: VerifiedCredential, ttlMs: number): Promise<boolean> {
    const owner: KeyOwner = { type: credential.principal.type, id: credential.principal.id };
    const stored = await this.redis.principalCacheWrite(
      this.entryKey(hash),
      this.indexKey(credential.keyId),
      this.tombstoneKey(credential.keyId),
      this.ownerSetKey(owner),
      this.ownerTombstoneKey(owner),
      JSON.stringify(credential),
      hash,
      String(Math.max(1, Math.floor(ttlMs))),
      credential.keyId,
    );
    return stored === 1;
  }

  /** Forgets a credential by its key id (revocation, rotation); idempotent. */
  async drop(keyId: string): Promise<void> {
    await this.redis.principalCacheDrop(this.indexKey(keyId), this.tombstoneKey(keyId), `${this.prefix}auth:entry:`, String(TOMBSTONE_SECONDS));
  }

  /** Forgets every credential of an owner (suspension, deactivation, reactivation); idempotent. */
  async dropOwner(owner: KeyOwner): Promise<void> {
    await this.redis.principalCacheOwnerDrop(
      this.ownerSetKey(owner),
      this.ownerTombstoneKey(owner),
      `${this.prefix}auth:key:`,
      `${this.prefix}auth:entry:`,
      String(TOMBSTONE_SECONDS),
    );
  }
}
