// Idempotency-Keys of money-moving POSTs, kept by billing in the transaction of the effect (issue 15
// item 10; STYLE.md habit 8): the first request with a key claims it; a concurrent one with the same
// key waits on the claim's row and then replays the stored answer; another body under the same key
// is refused. The gateway's own key store is a first line; this one holds even if it is bypassed.
import { createHash } from 'node:crypto';
import type { Db, Prisma } from '../db';

/**
 * sha256 over the method, path and (parsed) body as JSON: what "the same request" means for a
 * replay. Parsed amounts are BigInt, written as their decimal digits.
 */
export function requestHash(method: string, path: string, body: unknown): string {
  const json = JSON.stringify([method.toUpperCase(), path, body ?? null], (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  return createHash('sha256').update(json).digest('hex');
}

export type Claim = { kind: 'new' } | { kind: 'replay'; statusCode: number; response: Record<string, unknown> } | { kind: 'mismatch' };

/**
 * Claims `key` for `owner` in `tx`. When another transaction holds the same key, the INSERT waits
 * for it to end: committed → a replay (or a mismatch); rolled back → this one claims it.
 */
export async function claimIdempotencyKey(tx: Db, owner: string, key: string, hash: string): Promise<Claim> {
  const inserted = await tx.$executeRaw`INSERT INTO "idempotency_key" ("owner", "key", "request_hash", "status_code", "response")
    VALUES (${owner}, ${key}, ${hash}, 0, '{}'::jsonb) ON CONFLICT ("owner", "key") DO NOTHING`;
  if (inserted > 0) return { kind: 'new' };
  const stored = await tx.idempotencyKey.findUniqueOrThrow({ where: { owner_key: { owner, key } }, select: { requestHash: true, statusCode: true, response: true } });
  if (stored.requestHash !== hash) return { kind: 'mismatch' };
  return { kind: 'replay', statusCode: stored.statusCode, response: stored.response as Record<string, unknown> };
}

/** Stores the answer of the request that claimed the key, before its transaction commits. */
export async function storeIdempotentResponse(tx: Db, owner: string, key: string, statusCode: number, response: Record<string, unknown>): Promise<void> {
  await tx.idempotencyKey.update({ where: { owner_key: { owner, key } }, data: { statusCode, response: response as Prisma.InputJsonObject } });
}
