// The SQLSTATE of a database failure however it reaches us — a pg DatabaseError, Prisma's
// DriverAdapterError, or a PrismaClientKnownRequestError wrapping one (adapter-pg keeps the
// PostgreSQL code as `originalCode` under `meta.driverAdapterError.cause`) — and which of them the
// request's input caused, so one error path can answer those with a 4xx (DESIGN.md §7).

// pg's DatabaseError carries a `severity`; other errors with a `code` (ECONNREFUSED, Prisma's P2039)
// are not SQLSTATEs.
const SQLSTATE_FORMAT = /^[0-9A-Z]{5}$/;
const MAX_DEPTH = 6;

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/** The PostgreSQL SQLSTATE (`22021`) behind an error, or undefined when it did not come from PostgreSQL. */
export function sqlStateOf(err: unknown, depth = 0): string | undefined {
  if (typeof err !== 'object' || err === null || depth > MAX_DEPTH) return undefined;
  const original = field(err, 'originalCode');
  if (typeof original === 'string' && SQLSTATE_FORMAT.test(original)) return original;
  const code = field(err, 'code');
  if (typeof code === 'string' && SQLSTATE_FORMAT.test(code) && typeof field(err, 'severity') === 'string') return code;
  const adapterError = field(field(err, 'meta'), 'driverAdapterError');
  if (adapterError !== undefined) return sqlStateOf(adapterError, depth + 1);
  const cause = field(err, 'cause');
  return cause !== err ? sqlStateOf(cause, depth + 1) : undefined;
}

// Class 22 (data exception: 22021 bad encoding, 22P02 bad syntax, 22P05 untranslatable character,
// 22001 too long, 22003 out of range, 22007/22008 bad datetime …) is always about a value the
// statement carried; 23502 (a required value missing) and 23514 (a CHECK refused the row) are
// about the row the request asked for. Unique and foreign-key violations (23505, 23503) are not
// here: they mean "already exists" / "still referenced" and the use case answers them itself.
const INPUT_CONSTRAINT_STATES = new Set(['23502', '23514']);

/** The SQLSTATE when the database refused a value the request carried, else undefined. */
export function inputRejectedByDatabase(err: unknown): string | undefined {
  const state = sqlStateOf(err);
  return state !== undefined && (state.startsWith('22') || INPUT_CONSTRAINT_STATES.has(state)) ? state : undefined;
}

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
  // Prisma's interactive transaction found no free pooled connection within its maxWait: the pool
  // is saturated, an overload the caller can wait out like an outage (503, not 500)
  'Unable to start a transaction in the given time',
];

/** The SQLSTATE also when Prisma's driver adapter wrapped it; else a Node or Prisma code. */
export function databaseErrorCodeOf(err: unknown): string | undefined {
  const sqlState = sqlStateOf(err);
  if (sqlState !== undefined) return sqlState;
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * "The database is unreachable right now" (restarting, the link down, the pool exhausted), as
 * opposed to "this statement failed": a consumer must not burn a message's retry budget on it, and
 * an HTTP request gets 503 + Retry-After, not 500 (DESIGN.md §6: recover from database restarts).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const code = databaseErrorCodeOf(err);
  if (code && (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_NODE_CODES.has(code) || UNAVAILABLE_PRISMA_CODES.has(code))) {
    return true;
  }
  const message = err instanceof Error ? err.message : '';
  if (UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) return true;
  const cause = err instanceof Error ? (err as Error & { cause?: unknown }).cause : undefined;
  return cause !== undefined && cause !== err && isDatabaseUnavailable(cause);
}
