// Idempotent creates inside the owning service (DESIGN.md §5 "an event or request applied twice
// changes nothing the second time"; issue 13 item 2): the client's Idempotency-Key, scoped to the
// principal, is claimed in the same transaction that creates the object, under a primary key. A
// retry — after the gateway died mid-request, lost its record, or let its in-flight marker expire —
// finds the claim and gets the first object back instead of creating a second one. The gateway's
// Redis record (services/api-gateway/src/http/idempotency.ts) stays the fast path; this is the
// guarantee.
import { createHash } from 'node:crypto';
import { AppError } from '@runfleet/service-kit';

/** What createOnce needs of a transaction: one statement at a time on its connection. */
export interface SqlQueryable {
  // Rows are whatever the statement returns; callers name the columns they select.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(sql: string, params: unknown[]): Promise<{ rows: any[] }>;
}

export interface IdempotentRequest {
  /** who asked (idempotencyScope(principal)): one principal's key never meets another's */
  scope: string;
  /** the client's Idempotency-Key */
  key: string;
  /** what was asked (requestFingerprint): the same key with another request is refused */
  fingerprint: string;
}

export interface CreateOnceSteps<T extends { id: string }> {
  /** creates the object in the caller's transaction (runs only for the first request with the key) */
  create: () => Promise<T>;
  /** reads the object the first request created, in the caller's transaction */
  find: (id: string) => Promise<T | null>;
}

export interface CreatedOnce<T> {
  value: T;
  /** true when the object was created by an earlier request with this key */
  replayed: boolean;
}

// ON CONFLICT DO NOTHING waits for a concurrent transaction that claimed the same key: if it
// commits, this claim returns no row and the first object is read below; if it rolls back
// (the create failed), this one proceeds and creates.
const CLAIM = `INSERT INTO "idempotency_key" ("scope", "key", "fingerprint") VALUES ($1, $2, $3)
ON CONFLICT DO NOTHING RETURNING 1 AS claimed`;
const RECORD = `UPDATE "idempotency_key" SET "resource_id" = $3 WHERE "scope" = $1 AND "key" = $2`;
const READ = `SELECT "fingerprint", "resource_id" FROM "idempotency_key" WHERE "scope" = $1 AND "key" = $2`;

export function keyReused(): AppError {
  return AppError.unprocessable('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request.', {
    errors: [{ field: 'header.idempotency-key', message: 'was used with a different request' }],
  });
}

/**
 * Runs `create` once per (scope, key): call it inside the transaction that creates the object, with
 * that transaction as `sql`. The claim commits or rolls back with the object, so a create that
 * failed (a 4xx, a crash) leaves no claim and may be retried. 422 IDEMPOTENCY_KEY_REUSED when the
 * key was first used for a different request.
 */
export async function createOnce<T extends { id: string }>(
  sql: SqlQueryable,
  request: IdempotentRequest,
  steps: CreateOnceSteps<T>,
): Promise<CreatedOnce<T>> {
  const params = [request.scope, request.key];
  const claim = await sql.query(CLAIM, [...params, request.fingerprint]);
  if (claim.rows.length === 1) {
    const value = await steps.create();
    await sql.query(RECORD, [...params, value.id]);
    return { value, replayed: false };
  }
  const { rows } = await sql.query(READ, params);
  const first = rows[0] as { fingerprint: string; resource_id: string | null } | undefined;
  // Claimed and committed before this read; a row can only vanish to retention pruning meanwhile.
  if (!first?.resource_id) throw new Error('an idempotency key was claimed without recording what it created');
  if (first.fingerprint !== request.fingerprint) throw keyReused();
  const value = await steps.find(first.resource_id);
  if (!value) throw new Error(`the object idempotency key recorded (${first.resource_id}) no longer exists`);
  return { value, replayed: true };
}

/** `<principal type>:<principal id>`, as the gateway scopes its records: role and account. */
export function idempotencyScope(principal: { type: string; id: string }): string {
  return `${principal.type}:${principal.id}`;
}

/** JSON with object keys sorted, so two equal inputs hash alike whatever order their fields came in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * sha256 over the operation (e.g. `POST /v1/orders`) and the validated input: what makes two
 * requests "the same". The parsed input, not the raw bytes, so a default filled in or a field
 * order changed is still the same request.
 */
export function requestFingerprint(operation: string, input: unknown): string {
  return createHash('sha256').update(operation).update('\n').update(canonicalJson(input)).digest('base64url');
}
