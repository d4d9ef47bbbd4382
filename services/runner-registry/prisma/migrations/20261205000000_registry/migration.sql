-- The registry's own domain (issue 14; DESIGN.md §2 "runner-registry", §4 "Job"): registration
-- tokens, runners, the read model of customers and projects, and jobs.

-- CreateTable
CREATE TABLE "registration_token" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "lookup_id" TEXT NOT NULL,
  "secret_hash" TEXT NOT NULL,
  "last4" TEXT NOT NULL,
  "scope" TEXT NOT NULL CHECK ("scope" IN ('shared', 'customer')),
  "customer_id" UUID,
  "reseller_id" UUID,
  "description" TEXT NOT NULL,
  "expires_at" TIMESTAMPTZ(3),
  "max_uses" INTEGER CHECK ("max_uses" > 0),
  "uses" INTEGER NOT NULL DEFAULT 0,
  "revoked_at" TIMESTAMPTZ(3),
  "created_by_type" TEXT NOT NULL,
  "created_by_id" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "registration_token_pkey" PRIMARY KEY ("id"),
  -- a customer token names its customer; a shared one names nobody
  CONSTRAINT "registration_token_scope_owner_check" CHECK (("scope" = 'customer') = ("customer_id" IS NOT NULL))
);
CREATE UNIQUE INDEX "registration_token_lookup_id_key" ON "registration_token" ("lookup_id");
CREATE INDEX "registration_token_customer_id_created_at_idx" ON "registration_token" ("customer_id", "created_at");

-- CreateTable
CREATE TABLE "runner" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "lookup_id" TEXT NOT NULL,
  "secret_hash" TEXT NOT NULL,
  "last4" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "job_types" TEXT[] NOT NULL,
  "labels" JSONB NOT NULL DEFAULT '{}',
  "capacity" INTEGER NOT NULL CHECK ("capacity" > 0),
  "version" TEXT NOT NULL,
  "scope" TEXT NOT NULL CHECK ("scope" IN ('shared', 'customer')),
  "customer_id" UUID,
  "reseller_id" UUID,
  "registration_token_id" UUID NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'active' CHECK ("status" IN ('active', 'stale', 'offline', 'draining', 'disabled')),
  "last_heartbeat_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "runner_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "runner_scope_owner_check" CHECK (("scope" = 'customer') = ("customer_id" IS NOT NULL))
);
CREATE UNIQUE INDEX "runner_lookup_id_key" ON "runner" ("lookup_id");
CREATE INDEX "runner_customer_id_created_at_idx" ON "runner" ("customer_id", "created_at");
-- discovery and the fail-fast check look for runners by job type
CREATE INDEX "runner_job_types_idx" ON "runner" USING GIN ("job_types");

-- CreateTable
CREATE TABLE "customer_account" (
  "id" UUID NOT NULL,
  "reseller_id" UUID,
  "currency" TEXT,
  "active" BOOLEAN NOT NULL DEFAULT true,
  "changed_at" TIMESTAMPTZ(3) NOT NULL,
  CONSTRAINT "customer_account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "project_account" (
  "id" UUID NOT NULL,
  "customer_id" UUID NOT NULL,
  "reseller_id" UUID,
  "name" TEXT NOT NULL,
  "archived" BOOLEAN NOT NULL DEFAULT false,
  CONSTRAINT "project_account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "project_id" UUID NOT NULL,
  "customer_id" UUID NOT NULL,
  "reseller_id" UUID,
  "type" TEXT NOT NULL,
  "payload" JSONB NOT NULL,
  "required_labels" JSONB NOT NULL DEFAULT '{}',
  "priority" INTEGER NOT NULL DEFAULT 0,
  "max_cost_micros" BIGINT NOT NULL CHECK ("max_cost_micros" > 0),
  "currency" TEXT NOT NULL,
  "timeout_seconds" INTEGER NOT NULL CHECK ("timeout_seconds" > 0),
  "max_attempts" INTEGER NOT NULL CHECK ("max_attempts" > 0),
  "status" TEXT NOT NULL CHECK ("status" IN ('pending_funds', 'queued', 'assigned', 'running', 'succeeded', 'failed', 'cancelled', 'rejected')),
  "attempt" INTEGER NOT NULL DEFAULT 0,
  "runner_id" UUID,
  "hold_id" UUID,
  "reason" TEXT,
  "message" TEXT,
  "cancelled_by" TEXT,
  "progress_percent" INTEGER CHECK ("progress_percent" BETWEEN 0 AND 100),
  "progress_message" TEXT,
  "usage_units_micros" BIGINT CHECK ("usage_units_micros" >= 0),
  "usage_duration_ms" INTEGER CHECK ("usage_duration_ms" >= 0),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "queued_at" TIMESTAMPTZ(3),
  "assigned_at" TIMESTAMPTZ(3),
  "started_at" TIMESTAMPTZ(3),
  "last_progress_at" TIMESTAMPTZ(3),
  "finished_at" TIMESTAMPTZ(3),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "job_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "job_customer_id_created_at_idx" ON "job" ("customer_id", "created_at");
CREATE INDEX "job_reseller_id_created_at_idx" ON "job" ("reseller_id", "created_at");
CREATE INDEX "job_runner_id_status_idx" ON "job" ("runner_id", "status");
-- The claim's scan (DESIGN.md §2: by priority then age, FOR UPDATE SKIP LOCKED): only queued rows.
CREATE INDEX "job_queue_idx" ON "job" ("type", "priority" DESC, "queued_at", "id") WHERE "status" = 'queued';
