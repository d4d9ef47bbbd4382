// Telling "the database is unreachable right now" apart from "this message's handler failed": the
// first must not burn a message's retry budget, the second must (DESIGN.md §6: recover from
// database restarts without losing or duplicating effects).
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { sqlStateOf } from '@runfleet/service-kit';

// SQLSTATE class 08 (connection exception), 57P01-57P03 (admin/crash shutdown, cannot connect now),
// 53300 (too many connections): the server or the link is the problem, not the statement.
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);
// Prisma's codes for "can't reach", "connection closed", "pool timeout".
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1017', 'P2024']);
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'connection terminated',
  'Client has encountered a connection error',
  'timeout exceeded when trying to connect',
  'Client was closed and is not queryable',
  'terminating connection',
  'server closed the connection',
];

/** Serialization failure and deadlock: the transaction should simply run again. */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

// The SQLSTATE also when Prisma's driver adapter wrapped it; else a Node or Prisma code.
function codeOf(err: unknown): string | undefined {
  const sqlState = sqlStateOf(err);
  if (sqlState !== undefined) return sqlState;
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export function isDatabaseUnavailable(err: unknown): boolean {
  const code = codeOf(err);
  if (code && (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_NODE_CODES.has(code) || UNAVAILABLE_PRISMA_CODES.has(code))) {
    return true;
  }
  const message = err instanceof Error ? err.message : '';
  if (UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) return true;
  const cause = err instanceof Error ? (err as Error & { cause?: unknown }).cause : undefined;
  return cause !== undefined && cause !== err && isDatabaseUnavailable(cause);
}

export function isRetryableTransactionError(err: unknown): boolean {
  const code = codeOf(err);
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
