-- Commerce of the reseller service (DESIGN.md §2, §4): external providers and their offerings,
-- reseller relationships (reseller × provider with a commission), reseller orders, and the sales
-- that decide a reseller's tier. Money is BIGINT micro-units (DESIGN.md §5).

-- CreateTable
CREATE TABLE "provider" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "name" TEXT NOT NULL,
  "description" TEXT NOT NULL DEFAULT '',
  -- an inactive provider is hidden from resellers and the marketplace; never deleted once ordered from
  "active" BOOLEAN NOT NULL DEFAULT true,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "provider_pkey" PRIMARY KEY ("id")
);
-- two providers called "Acme" and "acme" are one provider typed twice (not expressible in schema.prisma)
CREATE UNIQUE INDEX "provider_name_lower_key" ON "provider" (lower("name"));
CREATE INDEX "provider_created_at_id_idx" ON "provider" ("created_at", "id");

-- CreateTable
CREATE TABLE "offering" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "provider_id" UUID NOT NULL,
  "name" TEXT NOT NULL,
  "description" TEXT NOT NULL DEFAULT '',
  "base_price_micros" BIGINT NOT NULL CHECK ("base_price_micros" >= 0),
  "currency" CHAR(3) NOT NULL,
  -- what one unit of the price is: month, GB, hour, unit…
  "unit" TEXT NOT NULL,
  "active" BOOLEAN NOT NULL DEFAULT true,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "offering_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "offering_provider_id_fkey" FOREIGN KEY ("provider_id") REFERENCES "provider" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "offering_provider_id_created_at_id_idx" ON "offering" ("provider_id", "created_at", "id");
-- the marketplace lists by name
CREATE INDEX "offering_name_id_idx" ON "offering" ("name", "id");

-- CreateTable
CREATE TABLE "reseller_relationship" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "reseller_id" UUID NOT NULL,
  "provider_id" UUID NOT NULL,
  -- DESIGN.md §10: the 0–50 % cap, enforced by the database as well as the API
  "commission_bps" INTEGER NOT NULL CHECK ("commission_bps" BETWEEN 0 AND 5000),
  "status" TEXT NOT NULL DEFAULT 'active' CHECK ("status" IN ('active', 'suspended')),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "reseller_relationship_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "reseller_relationship_reseller_id_fkey" FOREIGN KEY ("reseller_id") REFERENCES "reseller" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT "reseller_relationship_provider_id_fkey" FOREIGN KEY ("provider_id") REFERENCES "provider" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
-- one relationship per pair; concurrent creates race on this index, the loser gets 409
CREATE UNIQUE INDEX "reseller_relationship_reseller_id_provider_id_key" ON "reseller_relationship" ("reseller_id", "provider_id");
CREATE INDEX "reseller_relationship_reseller_id_created_at_id_idx" ON "reseller_relationship" ("reseller_id", "created_at", "id");
CREATE INDEX "reseller_relationship_created_at_id_idx" ON "reseller_relationship" ("created_at", "id");

-- CreateTable
-- "order" is an SQL keyword, hence reseller_order. Prices are frozen at order time.
CREATE TABLE "reseller_order" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "customer_id" UUID NOT NULL,
  -- null when a direct customer bought at base price
  "reseller_id" UUID,
  "offering_id" UUID NOT NULL,
  "provider_id" UUID NOT NULL,
  "offering_name" TEXT NOT NULL,
  "unit" TEXT NOT NULL,
  "quantity" INTEGER NOT NULL CHECK ("quantity" >= 1),
  "commission_bps" INTEGER NOT NULL CHECK ("commission_bps" BETWEEN 0 AND 5000),
  "base_price_micros" BIGINT NOT NULL CHECK ("base_price_micros" >= 0),
  "commission_micros" BIGINT NOT NULL CHECK ("commission_micros" >= 0),
  "total_micros" BIGINT NOT NULL,
  "currency" CHAR(3) NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'pending' CHECK ("status" IN ('pending', 'paid', 'fulfilled', 'failed', 'cancelled')),
  "failure_reason" TEXT,
  "payment_transaction_id" UUID,
  "external_order_id" TEXT,
  "details" JSONB,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "paid_at" TIMESTAMPTZ(3),
  "fulfilled_at" TIMESTAMPTZ(3),
  "failed_at" TIMESTAMPTZ(3),
  "cancelled_at" TIMESTAMPTZ(3),
  CONSTRAINT "reseller_order_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "reseller_order_total_check" CHECK ("total_micros" = "base_price_micros" + "commission_micros"),
  CONSTRAINT "reseller_order_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT "reseller_order_reseller_id_fkey" FOREIGN KEY ("reseller_id") REFERENCES "reseller" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT "reseller_order_offering_id_fkey" FOREIGN KEY ("offering_id") REFERENCES "offering" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT "reseller_order_provider_id_fkey" FOREIGN KEY ("provider_id") REFERENCES "provider" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
-- lists are newest first, scoped by reseller (its orders) or customer (its own)
CREATE INDEX "reseller_order_reseller_id_created_at_id_idx" ON "reseller_order" ("reseller_id", "created_at", "id");
CREATE INDEX "reseller_order_customer_id_created_at_id_idx" ON "reseller_order" ("customer_id", "created_at", "id");
CREATE INDEX "reseller_order_created_at_id_idx" ON "reseller_order" ("created_at", "id");
CREATE INDEX "reseller_order_offering_id_idx" ON "reseller_order" ("offering_id");

-- CreateTable
-- A reseller's sale as billing reported it (a customer's job charge or a paid order), one row per
-- event; the trailing 90-day sum decides the tier (DESIGN.md §2, §10).
CREATE TABLE "reseller_sale" (
  -- the id of the event that reported it: a redelivered event inserts nothing
  "event_id" UUID NOT NULL,
  "reseller_id" UUID NOT NULL,
  "customer_id" UUID NOT NULL,
  "source_kind" TEXT NOT NULL CHECK ("source_kind" IN ('job_charge', 'order')),
  -- the ledger entry of a job charge, the order id of a paid order
  "source_id" TEXT NOT NULL,
  "amount_micros" BIGINT NOT NULL CHECK ("amount_micros" >= 0),
  "currency" CHAR(3) NOT NULL,
  "occurred_at" TIMESTAMPTZ(3) NOT NULL,
  "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "reseller_sale_pkey" PRIMARY KEY ("event_id"),
  CONSTRAINT "reseller_sale_reseller_id_fkey" FOREIGN KEY ("reseller_id") REFERENCES "reseller" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
-- the same charge or order reported by two different events is still one sale
CREATE UNIQUE INDEX "reseller_sale_source_kind_source_id_key" ON "reseller_sale" ("source_kind", "source_id");
CREATE INDEX "reseller_sale_reseller_id_occurred_at_idx" ON "reseller_sale" ("reseller_id", "occurred_at");
