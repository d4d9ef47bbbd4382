-- Accounts of the reseller service (DESIGN.md §2): resellers, customers, projects, API keys and the audit log.

-- CreateTable
CREATE TABLE "reseller" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  "name" TEXT NOT NULL,
  "email" TEXT NOT NULL,
  -- DESIGN.md §10: the 0–50 % commission cap, enforced by the database as well as the API
  "commission_rate_bps" INTEGER NOT NULL CHECK ("commission_rate_bps" BETWEEN 0 AND 5000),
  "active" BOOLEAN NOT NULL DEFAULT true,
  "tier" TEXT NOT NULL DEFAULT 'bronze' CHECK ("tier" IN ('bronze', 'silver', 'gold', 'platinum')),
  "currency" CHAR(3) NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
-- keyset pagination of the admin's list (newest first)
CREATE INDEX "reseller_created_at_id_idx" ON "reseller" ("created_at", "id");

-- CreateTable
CREATE TABLE "customer" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  -- null for a direct customer (DESIGN.md §2)
  "reseller_id" UUID REFERENCES "reseller" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  "name" TEXT NOT NULL,
  "email" TEXT NOT NULL,
  "active" BOOLEAN NOT NULL DEFAULT true,
  "currency" CHAR(3) NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "customer_reseller_id_created_at_id_idx" ON "customer" ("reseller_id", "created_at", "id");
CREATE INDEX "customer_created_at_id_idx" ON "customer" ("created_at", "id");

-- CreateTable
CREATE TABLE "project" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  "customer_id" UUID NOT NULL REFERENCES "customer" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  "name" TEXT NOT NULL,
  "archived_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "project_customer_id_created_at_id_idx" ON "project" ("customer_id", "created_at", "id");
CREATE INDEX "project_created_at_id_idx" ON "project" ("created_at", "id");

-- CreateTable
-- A key is `rf_sk_<lookup_id>_<secret>`; only the lookup id and an HMAC-SHA256 of the whole key under a
-- server-side pepper are stored (DESIGN.md §7), so a dump of this table yields no usable key.
CREATE TABLE "api_key" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  "lookup_id" TEXT NOT NULL UNIQUE,
  "secret_hash" TEXT NOT NULL,
  "last4" TEXT NOT NULL,
  -- the owner is polymorphic (there is no admin table: an admin is a uuid minted at bootstrap)
  "owner_type" TEXT NOT NULL CHECK ("owner_type" IN ('admin', 'reseller', 'customer')),
  "owner_id" UUID NOT NULL,
  -- the reseller the key's owner is (reseller) or belongs to (customer); scopes reseller reads
  "reseller_id" UUID REFERENCES "reseller" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  "name" TEXT NOT NULL,
  "scopes" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
  "allowed_ips" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
  "rate_limit_per_minute" INTEGER CHECK ("rate_limit_per_minute" > 0),
  "expires_at" TIMESTAMPTZ(3),
  "last_used_at" TIMESTAMPTZ(3),
  "revoked_at" TIMESTAMPTZ(3),
  "created_by_type" TEXT NOT NULL,
  "created_by_id" TEXT NOT NULL,
  "rotated_from_id" UUID REFERENCES "api_key" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "api_key_owner_type_owner_id_idx" ON "api_key" ("owner_type", "owner_id");
CREATE INDEX "api_key_reseller_id_created_at_id_idx" ON "api_key" ("reseller_id", "created_at", "id");
CREATE INDEX "api_key_created_at_id_idx" ON "api_key" ("created_at", "id");

-- CreateTable
-- Who did what (issue 4 "Audit log"); details never hold secrets.
CREATE TABLE "audit_event" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  "actor_type" TEXT NOT NULL,
  "actor_id" TEXT NOT NULL,
  "action" TEXT NOT NULL,
  "target_type" TEXT NOT NULL,
  "target_id" TEXT NOT NULL,
  "details" JSONB NOT NULL DEFAULT '{}',
  -- the reseller this event concerns, so a reseller reads its own audit trail; no FK: the log outlives rows
  "reseller_id" UUID,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "audit_event_created_at_id_idx" ON "audit_event" ("created_at", "id");
CREATE INDEX "audit_event_reseller_id_created_at_id_idx" ON "audit_event" ("reseller_id", "created_at", "id");
CREATE INDEX "audit_event_target_type_target_id_idx" ON "audit_event" ("target_type", "target_id");
