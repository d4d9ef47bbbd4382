-- Messaging tables: the transactional outbox and the consumer inbox (DESIGN.md §6).

-- CreateTable
CREATE TABLE "outbox_event" (
  "id" UUID NOT NULL PRIMARY KEY,               -- the envelope id
  "seq" BIGSERIAL NOT NULL UNIQUE,              -- creation order
  "type" TEXT NOT NULL,                         -- event name = routing key
  "envelope" JSONB NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "published_at" TIMESTAMPTZ(3),
  "attempts" INTEGER NOT NULL DEFAULT 0,
  "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "last_error" TEXT
);

-- Partial indexes (not expressible in schema.prisma): the relay scans only unpublished rows,
-- the cleanup only published ones.
CREATE INDEX "outbox_event_unpublished_idx" ON "outbox_event" ("seq") WHERE "published_at" IS NULL;
CREATE INDEX "outbox_event_published_at_idx" ON "outbox_event" ("published_at") WHERE "published_at" IS NOT NULL;

-- wakes the relay right after a commit (LISTEN runfleet_outbox), instead of waiting for its poll
CREATE FUNCTION "outbox_event_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_notify('runfleet_outbox', ''); RETURN NULL; END $$;
CREATE TRIGGER "outbox_event_notify" AFTER INSERT ON "outbox_event" FOR EACH STATEMENT EXECUTE FUNCTION "outbox_event_notify"();

-- CreateTable
CREATE TABLE "inbox_message" (
  "consumer" TEXT NOT NULL,
  "message_id" UUID NOT NULL,
  "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY ("consumer", "message_id")
);
