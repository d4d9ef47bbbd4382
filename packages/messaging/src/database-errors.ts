// Telling "the database is unreachable right now" apart from "this message's handler failed": the
// first must not burn a message's retry budget, the second must (DESIGN.md §6: recover from
// database restarts without losing or duplicating effects).
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { databaseErrorCodeOf, isDatabaseUnavailable } from '@runfleet/service-kit';

/** Serialization failure and deadlock: the transaction should simply run again. */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

// isDatabaseUnavailable lives in service-kit (the HTTP error path needs it too); kept exported here.
export { isDatabaseUnavailable };

export function isRetryableTransactionError(err: unknown): boolean {
  const code = databaseErrorCodeOf(err);
  return code !== undefined && RETRYABLE_SQLSTATES.has(code);
}

const watched = new WeakSet<Pool>();

/**
 * An idle pooled client whose connection dies emits 'error' on the pool; unlistened, that crashes
 * the process. Log it instead: the pool replaces the client on the next checkout.
 */
export function watchPool(pool: Pool, logger: Logger, name: string): void {
  if (watched.has(pool)) return;
  watched.add(pool);
  pool.on('error', (err) => logger.warn({ err, pool: name }, 'idle database connection lost'));
}
