-- Idempotency-Keys of submitted jobs (POST /v1/jobs), claimed in the transaction that creates the
-- job (issue 14 item 4, issue 13 item 2): packages/idempotency/sql/idempotency-tables.sql, copied as it is.
-- CreateTable
CREATE TABLE "idempotency_key" (
  "scope" TEXT NOT NULL,
  "key" TEXT NOT NULL,
  "fingerprint" TEXT NOT NULL,
  "resource_id" TEXT,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

  CONSTRAINT "idempotency_key_pkey" PRIMARY KEY ("scope", "key")
);

-- CreateIndex
CREATE INDEX "idempotency_key_created_at_idx" ON "idempotency_key" ("created_at");
