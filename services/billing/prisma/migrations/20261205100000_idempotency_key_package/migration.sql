-- Idempotency-Keys of money-moving POSTs and payment-provider events move to packages/idempotency's
-- table (createOnce claims the key in the transaction that books the ledger entry; issue 13 item 2).
-- The hand-rolled table it replaces stored the answer; the package stores the entry's id instead.
-- Its rows are dropped: billing's money core never ran anywhere before this migration.
DROP TABLE "idempotency_key";

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
