// Idempotency records in Redis (draft-ietf-httpapi-idempotency-key-header; STYLE.md habit 8): an
// in-flight marker taken atomically with the request's fingerprint, then the first response kept
// for 24 h, encrypted (response-cipher.ts: it may hold a key shown once). Records are scoped to the
// principal, so one tenant's key never meets another's.
import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ResponseCipher } from './response-cipher';

export const RESPONSE_RETENTION_SECONDS = 24 * 3600;

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  /** base64 */
  body: string;
}

type Record_ =
  | { state: 'in_flight'; fingerprint: string; owner: string }
  /** `sealed`: the StoredResponse as JSON, encrypted */
  | { state: 'done'; fingerprint: string; sealed: string };

export type BeginOutcome =
  | { kind: 'started'; owner: string }
  | { kind: 'in_flight' }
  | { kind: 'mismatch' }
  | { kind: 'replay'; response: StoredResponse }
  /** a kept response this gateway cannot decrypt (the encryption key changed since) */
  | { kind: 'unreadable' };

// KEYS: record. ARGV: in-flight JSON, lock ttl ms. Returns the existing record, or nil when taken.
const BEGIN = `
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false`;

// KEYS: record. ARGV: owner, new JSON (or '' to delete), ttl seconds. Only the owner of the in-flight marker may finish it.
const FINISH = `
local existing = redis.call('GET', KEYS[1])
if not existing then return 0 end
local ok, record = pcall(cjson.decode, existing)
if not ok or record.state ~= 'in_flight' or record.owner ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) end
return 1`;

type StoreCommands = Redis & {
  idempotencyBegin(key: string, json: string, ttlMs: string): Promise<string | null>;
  idempotencyFinish(key: string, owner: string, json: string, ttlSeconds: string): Promise<number>;
};

/** sha256 over what makes two requests "the same": method, target and body bytes. */
export function requestFingerprint(method: string, target: string, body: Buffer): string {
  return createHash('sha256').update(method).update('\n').update(target).update('\n').update(body).digest('base64url');
}

export class IdempotencyStore {
  private readonly redis: StoreCommands;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    /** how long an in-flight marker survives a gateway that died mid-request */
    private readonly inFlightTtlMs: number,
    private readonly cipher: ResponseCipher,
  ) {
    this.redis = redis as StoreCommands;
    if (!('idempotencyBegin' in redis)) {
      redis.defineCommand('idempotencyBegin', { numberOfKeys: 1, lua: BEGIN });
      redis.defineCommand('idempotencyFinish', { numberOfKeys: 1, lua: FINISH });
    }
  }

  private recordKey(scope: string, key: string): string {
    // The client's key is hashed: any bytes it sends stay out of Redis key names.
    return `${this.prefix}idem:${scope}:${createHash('sha256').update(key).digest('base64url')}`;
  }

  async begin(scope: string, key: string, fingerprint: string): Promise<BeginOutcome> {
    const owner = randomUUID();
    const marker: Record_ = { state: 'in_flight', fingerprint, owner };
    const recordKey = this.recordKey(scope, key);
    const existing = await this.redis.idempotencyBegin(recordKey, JSON.stringify(marker), String(this.inFlightTtlMs));
    if (existing === null) return { kind: 'started', owner };
    const record = JSON.parse(existing) as Record_;
    if (record.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (record.state === 'in_flight') return { kind: 'in_flight' };
    const plaintext = typeof record.sealed === 'string' ? this.cipher.open(record.sealed, recordKey) : undefined;
    if (plaintext === undefined) return { kind: 'unreadable' };
    return { kind: 'replay', response: JSON.parse(plaintext.toString('utf8')) as StoredResponse };
  }

  /** Keeps the first response for 24 h. */
  async complete(scope: string, key: string, owner: string, fingerprint: string, response: StoredResponse): Promise<void> {
    const recordKey = this.recordKey(scope, key);
    const record: Record_ = { state: 'done', fingerprint, sealed: this.cipher.seal(Buffer.from(JSON.stringify(response)), recordKey) };
    await this.redis.idempotencyFinish(recordKey, owner, JSON.stringify(record), String(RESPONSE_RETENTION_SECONDS));
  }

  /** Forgets the in-flight marker, so a retry with the same key runs again. */
  async release(scope: string, key: string, owner: string): Promise<void> {
    await this.redis.idempotencyFinish(this.recordKey(scope, key), owner, '', '0');
  }
}
