-- The table behind createOnce (packages/idempotency): one row per (principal, Idempotency-Key),
-- written in the transaction that creates the object, so a retried create finds the first object.
-- resource_id is set before the creating transaction commits (NULL only inside it).
-- Copy into a migration of each service that creates money-moving objects.
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
