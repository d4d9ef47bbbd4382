// The consumer half of exactly-once effects (DESIGN.md §6, STYLE.md habit 7): a message id is
// recorded for its consumer in the same transaction as the handler's effect.
import { deleteInChunks, type SqlExecutor } from './sql-executor';

const CLAIM = `INSERT INTO "inbox_message" ("consumer", "message_id")
SELECT $1, unnest($2::uuid[])
ON CONFLICT DO NOTHING
RETURNING "message_id"`;

/**
 * Records the ids for `consumer` and returns those that were new (lower-cased). An id missing from
 * the result was processed before — or is being processed right now by a concurrent transaction,
 * which this insert waits for — so its message must be acked without running the handler again.
 */
export async function claimInbox(sql: SqlExecutor, consumer: string, messageIds: readonly string[]): Promise<Set<string>> {
  if (messageIds.length === 0) return new Set();
  const { rows } = await sql.query(CLAIM, [consumer, messageIds.map((id) => id.toLowerCase())]);
  return new Set(rows.map((row: { message_id: string }) => String(row.message_id).toLowerCase()));
}

const PRUNE = `WITH doomed AS (
  SELECT "consumer", "message_id" FROM "inbox_message"
  WHERE "processed_at" < now() - ($1::bigint * interval '1 millisecond')
  LIMIT $2 FOR UPDATE SKIP LOCKED)
DELETE FROM "inbox_message" i USING doomed d
WHERE i."consumer" = d."consumer" AND i."message_id" = d."message_id"
RETURNING 1`;

export interface PruneInboxOptions {
  /** rows per DELETE (default 10,000), so no statement holds locks on a whole day's rows */
  chunk?: number;
  /** asked between chunks; true ends the prune early (the service is stopping) */
  shouldStop?: () => boolean;
}

/**
 * Deletes inbox rows older than the retention, a chunk per statement until none is left; returns
 * how many. Duplicates come from outbox re-publishes and broker redeliveries within minutes, so days
 * of retention leave a wide margin. Rows are found through the `processed_at` index.
 */
export function pruneInbox(sql: SqlExecutor, retentionMs: number, options: PruneInboxOptions = {}): Promise<number> {
  return deleteInChunks(async (chunk) => (await sql.query(PRUNE, [retentionMs, chunk])).rows.length, options.chunk ?? 10_000, options.shouldStop);
}
