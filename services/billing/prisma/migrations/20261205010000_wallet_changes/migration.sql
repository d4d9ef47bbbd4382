-- The audit trail of a wallet's credit settings (issue 15 item 8): every change of credit limit,
-- credit status or low-balance threshold, who made it and why. Only ever inserted.

-- CreateTable
CREATE TABLE "wallet_change" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  "wallet_id" UUID NOT NULL,
  "actor_type" TEXT NOT NULL,
  "actor_id" TEXT NOT NULL,
  "before" JSONB NOT NULL,
  "after" JSONB NOT NULL,
  "reason" TEXT,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "wallet_change_wallet_id_fkey" FOREIGN KEY ("wallet_id") REFERENCES "wallet" ("id") ON DELETE RESTRICT
);
CREATE INDEX "wallet_change_wallet_id_created_at_idx" ON "wallet_change" ("wallet_id", "created_at");
