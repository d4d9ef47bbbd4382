-- Outbox and inbox tables every producing/consuming Runfleet service has in its own database
-- (DESIGN.md §6). Each service's migrations 20261122000000_init (which created a NOTIFY trigger
-- on outbox_event), 20261122030000_outbox_wake_after_commit (which drops it) and
-- 20261122040000_inbox_processed_at_index together make this schema; the messaging package's tests
-- and benchmark apply this file to a fresh database. Keep them in step.
-- No NOTIFY trigger on outbox_event: a transaction that notifies holds a database-wide lock through
-- its commit's WAL flush, which serialises producer commits (it halved them here; docs/benchmarks.md).
-- Producers wake the relay after commit instead (messaging.outboxCommitted / transactions()).
CREATE TABLE "outbox_event" (
  "id" UUID NOT NULL PRIMARY KEY, "seq" BIGSERIAL NOT NULL UNIQUE, "type" TEXT NOT NULL, "envelope" JSONB NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "published_at" TIMESTAMPTZ(3),
  "attempts" INTEGER NOT NULL DEFAULT 0, "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "last_error" TEXT);
CREATE INDEX "outbox_event_unpublished_idx" ON "outbox_event" ("seq") WHERE "published_at" IS NULL;
CREATE INDEX "outbox_event_published_at_idx" ON "outbox_event" ("published_at") WHERE "published_at" IS NOT NULL;
CREATE TABLE "inbox_message" ("consumer" TEXT NOT NULL, "message_id" UUID NOT NULL,
  "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY ("consumer", "message_id"));
CREATE INDEX "inbox_message_processed_at_idx" ON "inbox_message" ("processed_at");
