-- Notifications core (issue 17 items 1, 5, 6): the read model of accounts built from the reseller
-- service's events, per-account email preferences, the in-app feed and the email send records.

-- Who can be told: customers and resellers with their contact details (queue notifications.accounts).
CREATE TABLE "account" (
  "account_type" TEXT NOT NULL,
  "account_id" UUID NOT NULL,
  -- the customer's reseller; null for a direct customer and for a reseller
  "reseller_id" UUID,
  "name" TEXT NOT NULL,
  "email" TEXT NOT NULL,
  "active" BOOLEAN NOT NULL DEFAULT true,
  "language" TEXT NOT NULL DEFAULT 'en',
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

  CONSTRAINT "account_pkey" PRIMARY KEY ("account_type", "account_id"),
  CONSTRAINT "account_type_check" CHECK ("account_type" IN ('reseller', 'customer'))
);

-- One row per account and category the account changed; a missing row means the default (on).
CREATE TABLE "notification_preference" (
  "account_type" TEXT NOT NULL,
  "account_id" UUID NOT NULL,
  "category" TEXT NOT NULL,
  "email" BOOLEAN NOT NULL,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

  CONSTRAINT "notification_preference_pkey" PRIMARY KEY ("account_type", "account_id", "category")
);

-- The in-app feed: one item per event and recipient.
CREATE TABLE "feed_item" (
  "id" UUID NOT NULL,
  "account_type" TEXT NOT NULL,
  "account_id" UUID NOT NULL,
  "event_id" UUID NOT NULL,
  "type" TEXT NOT NULL,
  "category" TEXT NOT NULL,
  "title" TEXT NOT NULL,
  "data" JSONB NOT NULL,
  "occurred_at" TIMESTAMPTZ(3) NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "read_at" TIMESTAMPTZ(3),

  CONSTRAINT "feed_item_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "feed_item_account_event_key" ON "feed_item" ("account_type", "account_id", "event_id");
-- newest first per account (keyset pages over created_at, id)
CREATE INDEX "feed_item_account_created_at_idx" ON "feed_item" ("account_type", "account_id", "created_at" DESC, "id" DESC);
-- the unread count
CREATE INDEX "feed_item_unread_idx" ON "feed_item" ("account_type", "account_id") WHERE "read_at" IS NULL;

-- At most one email per event and recipient: the row is committed with the consumer's inbox row,
-- the sender loop claims it after commit (FOR UPDATE SKIP LOCKED) and marks it sent.
CREATE TABLE "email_send" (
  "id" UUID NOT NULL,
  "event_id" UUID NOT NULL,
  "account_type" TEXT NOT NULL,
  "account_id" UUID NOT NULL,
  "kind" TEXT NOT NULL,
  -- the notification as the channel got it (type, occurredAt, data), rendered at send time
  "notification" JSONB NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'pending',
  "attempts" INTEGER NOT NULL DEFAULT 0,
  "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "last_error" TEXT,
  "message_id" TEXT,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "sent_at" TIMESTAMPTZ(3),

  CONSTRAINT "email_send_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "email_send_status_check" CHECK ("status" IN ('pending', 'sending', 'sent', 'skipped', 'failed'))
);
CREATE UNIQUE INDEX "email_send_event_recipient_key" ON "email_send" ("event_id", "account_type", "account_id");
-- what the sender loop claims: rows still to send, oldest due first
CREATE INDEX "email_send_due_idx" ON "email_send" ("next_attempt_at") WHERE "status" IN ('pending', 'sending');
