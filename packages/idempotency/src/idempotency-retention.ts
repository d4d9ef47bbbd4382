// How long a service remembers Idempotency-Keys, and the sweep that forgets older ones.
import type { SqlQueryable } from './create-once';

/**
 * 30 days: far past any client's retry horizon and the gateway's 24 h record, so a retry after a
 * lost response always finds the first object; rows are ~150 bytes. A key reused after this
 * creates anew (as on the gateway after its 24 h).
 */
export const IDEMPOTENCY_KEY_RETENTION_MS = 30 * 24 * 3600 * 1000;

const PRUNE = `WITH doomed AS (
  SELECT "scope", "key" FROM "idempotency_key"
  WHERE "created_at" < now() - ($1::bigint * interval '1 millisecond')
  LIMIT $2 FOR UPDATE SKIP LOCKED)
DELETE FROM "idempotency_key" k USING doomed d
WHERE k."scope" = d."scope" AND k."key" = d."key"
RETURNING 1`;

/** Deletes keys older than the retention, `chunk` rows per statement; returns how many. */
export async function pruneIdempotencyKeys(sql: SqlQueryable, retentionMs = IDEMPOTENCY_KEY_RETENTION_MS, chunk = 10_000): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = (await sql.query(PRUNE, [retentionMs, chunk])).rows.length;
    total += deleted;
    if (deleted < chunk) return total;
  }
}
