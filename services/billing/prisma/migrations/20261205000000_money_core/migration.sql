-- The money core (issue 15; DESIGN.md §2 "billing", §5, §10 "Holds"): wallets, the append-only
-- ledger, holds, versioned price lists, order payments and the Idempotency-Keys of money-moving
-- POSTs. Amounts are BIGINT micro-units (1 unit = 1,000,000), never floating point.

-- CreateTable
CREATE TABLE "wallet" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  "owner_type" TEXT NOT NULL,                       -- customer | reseller (commission earnings)
  "owner_id" UUID NOT NULL,                         -- the customer or the reseller
  "reseller_id" UUID,                               -- the customer's reseller, or the reseller itself
  "currency" CHAR(3) NOT NULL,
  "balance" BIGINT NOT NULL DEFAULT 0,
  "reserved" BIGINT NOT NULL DEFAULT 0,             -- sum of pending holds
  "credit_limit" BIGINT NOT NULL DEFAULT 0,         -- balance − reserved may go down to −credit_limit
  "credit_status" TEXT NOT NULL DEFAULT 'active',
  "low_balance_threshold" BIGINT NOT NULL DEFAULT 0,
  -- true while available ≥ threshold: the next crossing below emits wallet.low_balance once and
  -- disarms; a rise back above re-arms (issue 15 item 5)
  "low_balance_armed" BOOLEAN NOT NULL DEFAULT true,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "wallet_owner_type_check" CHECK ("owner_type" IN ('customer', 'reseller')),
  CONSTRAINT "wallet_credit_status_check" CHECK ("credit_status" IN ('active', 'suspended', 'defaulted', 'closed')),
  CONSTRAINT "wallet_reserved_check" CHECK ("reserved" >= 0),
  CONSTRAINT "wallet_credit_limit_check" CHECK ("credit_limit" >= 0),
  CONSTRAINT "wallet_low_balance_threshold_check" CHECK ("low_balance_threshold" >= 0),
  -- DESIGN.md §5: the last line of defence against an overdraft, whatever the code above it does
  CONSTRAINT "wallet_available_check" CHECK ("balance" - "reserved" >= -"credit_limit")
);
CREATE UNIQUE INDEX "wallet_owner_type_owner_id_key" ON "wallet" ("owner_type", "owner_id");
CREATE INDEX "wallet_reseller_id_idx" ON "wallet" ("reseller_id");
CREATE INDEX "wallet_created_at_id_idx" ON "wallet" ("created_at", "id");

-- CreateTable
CREATE TABLE "ledger_entry" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  "seq" BIGSERIAL NOT NULL UNIQUE,                  -- order of entries (per wallet: the balance_after chain)
  "wallet_id" UUID NOT NULL,
  "type" TEXT NOT NULL,
  "amount" BIGINT NOT NULL,                         -- signed change of the balance
  "reserved_delta" BIGINT NOT NULL DEFAULT 0,       -- signed change of reserved (hold, hold_release, posting)
  "balance_after" BIGINT NOT NULL,
  "reserved_after" BIGINT NOT NULL,
  "reference_kind" TEXT,
  "reference_id" TEXT,
  "hold_id" UUID,
  "refund_of" UUID,                                 -- the charge a refund gives back
  "idempotency_key" TEXT NOT NULL,
  "actor_type" TEXT NOT NULL,                       -- admin | reseller | customer | system | provider
  "actor_id" TEXT,
  "reason" TEXT,
  "details" JSONB,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "ledger_entry_type_check" CHECK ("type" IN ('credit', 'charge', 'refund', 'hold', 'hold_release', 'commission', 'payout', 'adjustment')),
  CONSTRAINT "ledger_entry_wallet_id_fkey" FOREIGN KEY ("wallet_id") REFERENCES "wallet" ("id") ON DELETE RESTRICT,
  CONSTRAINT "ledger_entry_refund_of_fkey" FOREIGN KEY ("refund_of") REFERENCES "ledger_entry" ("id") ON DELETE RESTRICT
);
CREATE UNIQUE INDEX "ledger_entry_idempotency_key_key" ON "ledger_entry" ("idempotency_key");
CREATE INDEX "ledger_entry_wallet_id_created_at_id_idx" ON "ledger_entry" ("wallet_id", "created_at", "id");
CREATE INDEX "ledger_entry_wallet_id_seq_idx" ON "ledger_entry" ("wallet_id", "seq");
CREATE INDEX "ledger_entry_refund_of_idx" ON "ledger_entry" ("refund_of");

-- Append-only (DESIGN.md §2, §5): the database itself refuses to change or remove an entry,
-- whoever asks; a correction is a new entry. TRUNCATE is refused too.
CREATE FUNCTION "ledger_entry_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger_entry is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER "ledger_entry_append_only" BEFORE UPDATE OR DELETE ON "ledger_entry"
  FOR EACH ROW EXECUTE FUNCTION "ledger_entry_refuse_change"();
CREATE TRIGGER "ledger_entry_no_truncate" BEFORE TRUNCATE ON "ledger_entry"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_entry_refuse_change"();

-- CreateTable
CREATE TABLE "price_list" (
  -- one row per version: a change inserts a new version, so a job is priced with the version in
  -- force when it was submitted (issue 15 item 4); retired = no price from effective_from on
  "id" UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  "job_type" TEXT NOT NULL,
  "unit" TEXT NOT NULL,
  "unit_price" BIGINT NOT NULL,                     -- micro-units per unit
  "currency" CHAR(3) NOT NULL,
  "retired" BOOLEAN NOT NULL DEFAULT false,
  "effective_from" TIMESTAMPTZ(3) NOT NULL,
  "created_by" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "price_list_unit_check" CHECK ("unit" IN ('second', 'GB', 'run')),
  CONSTRAINT "price_list_unit_price_check" CHECK ("unit_price" >= 0)
);
CREATE INDEX "price_list_job_type_currency_effective_from_idx" ON "price_list" ("job_type", "currency", "effective_from" DESC, "created_at" DESC);

-- CreateTable
CREATE TABLE "hold" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  "wallet_id" UUID NOT NULL,
  "amount" BIGINT NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'pending',
  "reference_kind" TEXT NOT NULL,
  "reference_id" TEXT NOT NULL,
  "job_type" TEXT,
  "price_list_id" UUID,                             -- the price list version in force at submit
  "captured" BIGINT,                                -- what posting charged
  "expires_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "settled_at" TIMESTAMPTZ(3),
  CONSTRAINT "hold_status_check" CHECK ("status" IN ('pending', 'posted', 'voided', 'expired')),
  CONSTRAINT "hold_amount_check" CHECK ("amount" > 0),
  CONSTRAINT "hold_captured_check" CHECK ("captured" IS NULL OR ("captured" >= 0 AND "captured" <= "amount")),
  CONSTRAINT "hold_wallet_id_fkey" FOREIGN KEY ("wallet_id") REFERENCES "wallet" ("id") ON DELETE RESTRICT,
  CONSTRAINT "hold_price_list_id_fkey" FOREIGN KEY ("price_list_id") REFERENCES "price_list" ("id") ON DELETE RESTRICT
);
-- one hold per job (or order): a second job.submitted for the same job finds the first
CREATE UNIQUE INDEX "hold_reference_kind_reference_id_key" ON "hold" ("reference_kind", "reference_id");
CREATE INDEX "hold_wallet_id_pending_idx" ON "hold" ("wallet_id") WHERE "status" = 'pending';
CREATE INDEX "hold_expires_at_pending_idx" ON "hold" ("expires_at") WHERE "status" = 'pending';

-- CreateTable
CREATE TABLE "order_payment" (
  -- billing's side of one reseller order, so each order is paid, refused and refunded at most once
  "order_id" UUID NOT NULL PRIMARY KEY,
  "wallet_id" UUID,
  "status" TEXT NOT NULL,
  "total" BIGINT NOT NULL,
  "currency" CHAR(3) NOT NULL,
  "charge_entry_id" UUID,
  "refund_entry_id" UUID,
  "failure_reason" TEXT,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "order_payment_status_check" CHECK ("status" IN ('paid', 'failed', 'refunded', 'cancelled'))
);

-- CreateTable
CREATE TABLE "idempotency_key" (
  -- Idempotency-Key of a money-moving POST, written in the transaction of its effect (issue 15
  -- item 10): a retry with the same key and body gets the stored answer; another body gets 422
  "owner" TEXT NOT NULL,                            -- principal type:id the key belongs to
  "key" TEXT NOT NULL,
  "request_hash" TEXT NOT NULL,
  "status_code" INTEGER NOT NULL,
  "response" JSONB NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY ("owner", "key")
);
