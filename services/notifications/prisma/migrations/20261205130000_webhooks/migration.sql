-- Webhooks (issue 17; DESIGN.md §2 "notifications", §10 "Webhooks"): endpoints owned by an account,
-- one delivery per event and endpoint (its webhook-id stable across retries), and every attempt.

CREATE TABLE "webhook_endpoint" (
  "id" UUID NOT NULL PRIMARY KEY,
  "account_type" TEXT NOT NULL CHECK ("account_type" IN ('reseller', 'customer')),
  "account_id" UUID NOT NULL,
  "url" TEXT NOT NULL,
  "description" TEXT NOT NULL DEFAULT '',
  -- event names or wildcards (`job.*`, `*`)
  "event_types" TEXT[] NOT NULL,
  "enabled" BOOLEAN NOT NULL DEFAULT true,
  -- why it was disabled: 'gone' (410), 'failing' (sustained failure), 'owner'
  "disabled_reason" TEXT,
  "disabled_at" TIMESTAMPTZ(3),
  -- the signing secret, AES-256-GCM sealed (it must be recoverable to sign); never stored in clear
  "secret_sealed" TEXT NOT NULL,
  -- the secret before the last rotation, valid (signed with too) until previous_secret_expires_at
  "previous_secret_sealed" TEXT,
  "previous_secret_expires_at" TIMESTAMPTZ(3),
  -- first failed attempt of the current run of failures; null while it succeeds
  "failing_since" TIMESTAMPTZ(3),
  -- when the owner was warned (webhook.endpoint_failing) in the current run of failures
  "warned_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "webhook_endpoint_owner_idx" ON "webhook_endpoint" ("account_type", "account_id", "created_at" DESC, "id" DESC);

CREATE TABLE "webhook_delivery" (
  "id" UUID NOT NULL PRIMARY KEY,
  "endpoint_id" UUID NOT NULL REFERENCES "webhook_endpoint" ("id") ON DELETE CASCADE,
  -- the webhook-id header: the same on every attempt and replay
  "message_id" TEXT NOT NULL,
  "event_type" TEXT NOT NULL,
  -- the exact body signed and sent: {type, timestamp, data}
  "body" TEXT NOT NULL,
  -- pending → succeeded | failed
  "status" TEXT NOT NULL DEFAULT 'pending' CHECK ("status" IN ('pending', 'succeeded', 'failed')),
  "attempt_count" INTEGER NOT NULL DEFAULT 0,
  -- attempts made before the last replay; the retry schedule restarts after a replay
  "replay_base" INTEGER NOT NULL DEFAULT 0,
  -- due time of the next attempt; while an attempt runs, the end of its lease (a crashed
  -- dispatcher's delivery becomes due again then)
  "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "last_attempt_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE ("endpoint_id", "message_id")
);
-- the dispatcher's claim: the endpoints with pending deliveries (a skip scan over endpoint_id),
-- then each endpoint's oldest due ones
CREATE INDEX "webhook_delivery_pending_idx" ON "webhook_delivery" ("endpoint_id", "next_attempt_at") WHERE "status" = 'pending';
CREATE INDEX "webhook_delivery_endpoint_idx" ON "webhook_delivery" ("endpoint_id", "created_at" DESC, "id" DESC);

CREATE TABLE "webhook_attempt" (
  "id" UUID NOT NULL PRIMARY KEY,
  "delivery_id" UUID NOT NULL REFERENCES "webhook_delivery" ("id") ON DELETE CASCADE,
  -- succeeded | failed (non-2xx) | timeout | refused (SSRF guard) | error (network)
  "outcome" TEXT NOT NULL,
  "response_status" INTEGER,
  "duration_ms" INTEGER NOT NULL,
  -- the response body, cut at 4 KB
  "response_body" TEXT,
  -- why it failed, when there was no response (refused address, timeout, connection error)
  "error" TEXT,
  "attempted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "webhook_attempt_delivery_idx" ON "webhook_attempt" ("delivery_id", "attempted_at");
