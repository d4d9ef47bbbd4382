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
 * endpoint counting those already running here. Rows another dispatcher (a replica) is claiming
 * are skipped, not waited for; an endpoint at its limit is left out of the scan entirely, so its
 * backlog never fills a claim (no head-of-line blocking). The claim commits on its own: it is a
 * lease (next_attempt_at moved to the lease's end), and the attempt runs outside any transaction.
 */
export async function claimDue(sql: SqlExecutor, request: ClaimRequest): Promise<ClaimedDelivery[]> {
  const busyIds = [...request.inFlight.keys()];
  const busyCounts = busyIds.map((id) => request.inFlight.get(id)!);
  const leaseEnd = new Date(request.now.getTime() + request.leaseMs);
  const { rows } = await sql.query(
    `WITH busy AS (SELECT * FROM unnest($1::uuid[], $2::int[]) AS b(endpoint_id, running)),
     candidates AS (
       SELECT d.id, d.endpoint_id, d.next_attempt_at
       FROM "webhook_delivery" d JOIN "webhook_endpoint" e ON e.id = d.endpoint_id AND e.enabled
       WHERE d.status = 'pending' AND d.next_attempt_at <= $3
         AND NOT EXISTS (SELECT 1 FROM busy b WHERE b.endpoint_id = d.endpoint_id AND b.running >= $5)
       ORDER BY d.next_attempt_at
       LIMIT $4 * 4
       FOR UPDATE OF d SKIP LOCKED
     ),
     picked AS (
       SELECT r.id FROM (
         SELECT c.id, c.endpoint_id, c.next_attempt_at, row_number() OVER (PARTITION BY c.endpoint_id ORDER BY c.next_attempt_at) AS rn
         FROM candidates c
       ) r LEFT JOIN busy b ON b.endpoint_id = r.endpoint_id
       WHERE r.rn <= $5 - COALESCE(b.running, 0)
       ORDER BY r.next_attempt_at
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

export async function insertAttempts(client: PoolClient, attempts: readonly AttemptRow[]): Promise<void> {
  if (attempts.length === 0) return;
  await client.query(
    `INSERT INTO "webhook_attempt" (id, delivery_id, outcome, response_status, duration_ms, response_body, error, attempted_at)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::int[], $6::text[], $7::text[], $8::timestamptz[])`,
    [
      attempts.map((a) => a.id),
      attempts.map((a) => a.deliveryId),
      attempts.map((a) => a.outcome),
      attempts.map((a) => a.responseStatus),
      attempts.map((a) => a.durationMs),
      attempts.map((a) => a.responseBody),
      attempts.map((a) => a.error),
      attempts.map((a) => a.attemptedAt),
    ],
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

/** Endpoints that succeeded leave their run of failures (only those in one are written). */
export async function clearFailing(client: PoolClient, endpointIds: readonly string[], now: Date): Promise<void> {
  if (endpointIds.length === 0) return;
  await client.query(
    `UPDATE "webhook_endpoint" SET failing_since = NULL, warned_at = NULL, updated_at = $2
     WHERE id = ANY($1::uuid[]) AND failing_since IS NOT NULL`,
    [endpointIds, now],
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
