// The webhook dispatcher's statements, over node-postgres (db.ts: Prisma's per-query cost would
// dominate at thousands of attempts a second): claiming due deliveries with SKIP LOCKED, and
// recording a batch of attempts in one transaction.
import type { PoolClient } from 'pg';
import type { SqlExecutor } from '@runfleet/messaging';

export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  messageId: string;
  eventType: string;
  body: string;
  attemptCount: number;
  replayBase: number;
  url: string;
  secretSealed: string;
  previousSecretSealed: string | null;
  previousSecretExpiresAt: Date | null;
}

export interface ClaimRequest {
  now: Date;
  /** the claimed rows are due again at now + leaseMs, should this process die mid-attempt */
  leaseMs: number;
  limit: number;
  perEndpointLimit: number;
  /** attempts this process has in flight, by endpoint */
  inFlight: ReadonlyMap<string, number>;
}

/**
 * Claims up to `limit` due deliveries of enabled endpoints, at most `perEndpointLimit` in flight per
 * endpoint counting those already running here, endpoints with the oldest due delivery first.
 * Fair by construction: the endpoints with pending deliveries are found first (a skip scan over
 * the pending index, one probe per such endpoint), then each gives up to its free slots, so one
 * endpoint's large backlog cannot fill a claim, and an endpoint at its limit is not scanned at all
 * (no head-of-line blocking). Rows another dispatcher (a replica) is claiming are skipped, not
 * waited for. The claim commits on its own: it is a lease (next_attempt_at moved to the lease's
 * end), and the attempt runs outside any transaction.
 */
export async function claimDue(sql: SqlExecutor, request: ClaimRequest): Promise<ClaimedDelivery[]> {
  const busyIds = [...request.inFlight.keys()];
  const busyCounts = busyIds.map((id) => request.inFlight.get(id)!);
  const leaseEnd = new Date(request.now.getTime() + request.leaseMs);
  const { rows } = await sql.query(
    `WITH RECURSIVE busy AS (SELECT * FROM unnest($1::uuid[], $2::int[]) AS b(endpoint_id, running)),
     pending_endpoint(id) AS (
       (SELECT endpoint_id FROM "webhook_delivery" WHERE status = 'pending' ORDER BY endpoint_id LIMIT 1)
       UNION ALL
       SELECT (SELECT d.endpoint_id FROM "webhook_delivery" d WHERE d.status = 'pending' AND d.endpoint_id > p.id ORDER BY d.endpoint_id LIMIT 1)
       FROM pending_endpoint p WHERE p.id IS NOT NULL
     ),
     due_endpoint AS (
       SELECT p.id, $5 - COALESCE(b.running, 0) AS free, oldest.at
       FROM pending_endpoint p
       JOIN "webhook_endpoint" e ON e.id = p.id AND e.enabled
       LEFT JOIN busy b ON b.endpoint_id = p.id
       CROSS JOIN LATERAL (
         SELECT d.next_attempt_at AS at FROM "webhook_delivery" d
         WHERE d.endpoint_id = p.id AND d.status = 'pending' ORDER BY d.next_attempt_at LIMIT 1
       ) oldest
       WHERE COALESCE(b.running, 0) < $5 AND oldest.at <= $3
       ORDER BY oldest.at
       LIMIT $4
     ),
     picked AS (
       SELECT x.id, x.next_attempt_at FROM due_endpoint de
       CROSS JOIN LATERAL (
         SELECT d.id, d.next_attempt_at FROM "webhook_delivery" d
         WHERE d.endpoint_id = de.id AND d.status = 'pending' AND d.next_attempt_at <= $3
         ORDER BY d.next_attempt_at
         LIMIT de.free
         FOR UPDATE SKIP LOCKED
       ) x
       ORDER BY x.next_attempt_at
       LIMIT $4
     )
     UPDATE "webhook_delivery" d SET next_attempt_at = $6
     FROM picked, "webhook_endpoint" e
     WHERE d.id = picked.id AND e.id = d.endpoint_id
     RETURNING d.id, d.endpoint_id AS "endpointId", d.message_id AS "messageId", d.event_type AS "eventType", d.body,
       d.attempt_count AS "attemptCount", d.replay_base AS "replayBase", e.url, e.secret_sealed AS "secretSealed",
       e.previous_secret_sealed AS "previousSecretSealed", e.previous_secret_expires_at AS "previousSecretExpiresAt"`,
    [busyIds, busyCounts, request.now, request.limit, request.perEndpointLimit, leaseEnd],
  );
  return rows as ClaimedDelivery[];
}

export interface AttemptRow {
  id: string;
  deliveryId: string;
  outcome: string;
  responseStatus: number | null;
  durationMs: number;
  responseBody: string | null;
  error: string | null;
  attemptedAt: Date;
}

/** The eight columns of attempt rows as arrays, for `unnest` ($1–$8 in this order). */
function attemptColumns(attempts: readonly AttemptRow[]): unknown[] {
  return [
    attempts.map((a) => a.id),
    attempts.map((a) => a.deliveryId),
    attempts.map((a) => a.outcome),
    attempts.map((a) => a.responseStatus),
    attempts.map((a) => a.durationMs),
    attempts.map((a) => a.responseBody),
    attempts.map((a) => a.error),
    attempts.map((a) => a.attemptedAt),
  ];
}

const INSERT_ATTEMPTS = `INSERT INTO "webhook_attempt" (id, delivery_id, outcome, response_status, duration_ms, response_body, error, attempted_at)
  SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::int[], $6::text[], $7::text[], $8::timestamptz[])`;

export async function insertAttempts(client: PoolClient, attempts: readonly AttemptRow[]): Promise<void> {
  if (attempts.length === 0) return;
  await client.query(INSERT_ATTEMPTS, attemptColumns(attempts));
}

/**
 * Records attempts that all succeeded in one statement (its data-modifying CTEs commit together):
 * the attempts inserted, their endpoints out of any run of failures, the deliveries succeeded. The
 * common case under load, so it costs one round trip instead of a transaction's five.
 */
export async function recordSuccesses(sql: SqlExecutor, attempts: readonly AttemptRow[], endpointIds: readonly string[], now: Date): Promise<void> {
  if (attempts.length === 0) return;
  await sql.query(
    `WITH attempt AS (${INSERT_ATTEMPTS}),
     recovered AS (
       UPDATE "webhook_endpoint" SET failing_since = NULL, warned_at = NULL, updated_at = $10
       WHERE id = ANY($9::uuid[]) AND failing_since IS NOT NULL
     )
     UPDATE "webhook_delivery" d
     SET status = 'succeeded', attempt_count = d.attempt_count + 1, next_attempt_at = u.attempted_at, last_attempt_at = u.attempted_at, updated_at = $10
     FROM unnest($2::uuid[], $8::timestamptz[]) AS u(id, attempted_at)
     WHERE d.id = u.id`,
    [...attemptColumns(attempts), endpointIds, now],
  );
}

export interface DeliveryUpdate {
  id: string;
  /** 'succeeded', 'failed', or 'pending' with the next attempt's due time */
  status: 'pending' | 'succeeded' | 'failed';
  nextAttemptAt: Date;
  attemptedAt: Date;
}

/**
 * Applies attempt results to their deliveries. A delivery whose endpoint is disabled by now (this
 * batch's 410, the failure limit, its owner) is not put back on the schedule: it fails.
 */
export async function updateDeliveries(client: PoolClient, updates: readonly DeliveryUpdate[], now: Date): Promise<void> {
  if (updates.length === 0) return;
  await client.query(
    `UPDATE "webhook_delivery" d
     SET status = CASE WHEN u.status = 'pending' AND NOT e.enabled THEN 'failed' ELSE u.status END,
         attempt_count = d.attempt_count + 1, next_attempt_at = u.next_attempt_at, last_attempt_at = u.attempted_at, updated_at = $5
     FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::timestamptz[]) AS u(id, status, next_attempt_at, attempted_at),
          "webhook_endpoint" e
     WHERE d.id = u.id AND e.id = d.endpoint_id`,
    [updates.map((u) => u.id), updates.map((u) => u.status), updates.map((u) => u.nextAttemptAt), updates.map((u) => u.attemptedAt), now],
  );
}

export interface FailingEndpoint {
  id: string;
  accountType: 'reseller' | 'customer';
  accountId: string;
  url: string;
  enabled: boolean;
  failingSince: Date | null;
  warnedAt: Date | null;
}

export async function lockEndpoints(client: PoolClient, ids: readonly string[]): Promise<FailingEndpoint[]> {
  const { rows } = await client.query(
    `SELECT id, account_type AS "accountType", account_id AS "accountId", url, enabled, failing_since AS "failingSince", warned_at AS "warnedAt"
     FROM "webhook_endpoint" WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
    [ids],
  );
  return rows as FailingEndpoint[];
}

export async function markFailing(client: PoolClient, id: string, changes: { failingSince: Date; warnedAt: Date | null }, now: Date): Promise<void> {
  await client.query(`UPDATE "webhook_endpoint" SET failing_since = $2, warned_at = $3, updated_at = $4 WHERE id = $1`, [
    id,
    changes.failingSince,
    changes.warnedAt,
    now,
  ]);
}

/** Disables an endpoint and fails its pending deliveries (replayable once it is fixed and enabled). */
export async function disableEndpoint(sql: SqlExecutor, id: string, reason: 'gone' | 'failing' | 'owner', now: Date): Promise<void> {
  await sql.query(`UPDATE "webhook_endpoint" SET enabled = false, disabled_reason = $2, disabled_at = $3, updated_at = $3 WHERE id = $1`, [
    id,
    reason,
    now,
  ]);
  await failPendingOf(sql, id, now);
}

export async function failPendingOf(sql: SqlExecutor, endpointId: string, now: Date): Promise<void> {
  await sql.query(`UPDATE "webhook_delivery" SET status = 'failed', updated_at = $2 WHERE endpoint_id = $1 AND status = 'pending'`, [
    endpointId,
    now,
  ]);
}

export interface WebhookGauges {
  retryBacklog: number;
  oldestPendingSeconds: number;
  disabledEndpoints: number;
}

export async function readGauges(sql: SqlExecutor, now: Date): Promise<WebhookGauges> {
  const { rows } = await sql.query(
    `SELECT
       (SELECT count(*) FROM "webhook_delivery" WHERE status = 'pending' AND attempt_count > replay_base)::int AS "retryBacklog",
       COALESCE((SELECT EXTRACT(EPOCH FROM ($1::timestamptz - min(created_at))) FROM "webhook_delivery" WHERE status = 'pending'), 0)::float8 AS "oldestPendingSeconds",
       (SELECT count(*) FROM "webhook_endpoint" WHERE NOT enabled)::int AS "disabledEndpoints"`,
    [now],
  );
  return rows[0] as WebhookGauges;
}
