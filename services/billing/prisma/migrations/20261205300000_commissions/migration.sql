-- Commissions and payouts (issue 16 items 1, 3, 4; DESIGN.md §2 "billing", §10 "Resellers").
-- Amounts are BIGINT micro-units, never floating point.
--   reseller_terms: billing's read model of each reseller's commission rate and tier bonus, kept
--                   from the reseller service's events (reseller.created / updated / tier_changed)
--   commission:     one row per earning (a customer's job charge, a fulfilled order) and one per
--                   clawback (a negative row for a refund of that charge), pending → approved → paid.
--                   `booked` is how much of `amount` is on the reseller's earnings wallet: a positive
--                   row is booked whole on approval; a clawback is booked as far as the wallet's
--                   available allows, the rest is taken from the next approvals (it reduces the next payout).
--                   `invoice_id` is for the commission invoices (issue 16 item 2): no FK, that table is theirs.
--   payout_method:  where a reseller's payouts go (bank transfer, PayPal); details kept, shown masked
--   payout:         a withdrawal from the earnings wallet, held on request, requested → processing →
--                   completed (the hold is posted) | failed (the hold is voided)

-- CreateTable
CREATE TABLE "reseller_terms" (
  "reseller_id" UUID NOT NULL PRIMARY KEY,
  "commission_rate_bps" INTEGER NOT NULL,
  "tier" TEXT NOT NULL,
  "tier_bonus_bps" INTEGER NOT NULL,
  "active" BOOLEAN NOT NULL DEFAULT true,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "reseller_terms_rate_check" CHECK ("commission_rate_bps" BETWEEN 0 AND 5000),
  CONSTRAINT "reseller_terms_bonus_check" CHECK ("tier_bonus_bps" BETWEEN 0 AND 5000),
  CONSTRAINT "reseller_terms_tier_check" CHECK ("tier" IN ('bronze', 'silver', 'gold', 'platinum'))
);

-- CreateTable
CREATE TABLE "commission" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  "reseller_id" UUID NOT NULL,
  "wallet_id" UUID NOT NULL,                        -- the reseller's earnings wallet
  "customer_id" UUID NOT NULL,
  "kind" TEXT NOT NULL,                             -- earning | clawback
  "clawback_of" UUID,                               -- the earning a clawback takes back
  "source_kind" TEXT NOT NULL,                      -- job | order
  "source_id" UUID NOT NULL,
  "charge_entry_id" UUID,                           -- the customer's charge (earning) or refund (clawback) entry
  "base" BIGINT NOT NULL,                           -- the sale amount (negative: the refunded part)
  "rate_bps" INTEGER NOT NULL,
  "tier" TEXT NOT NULL,
  "tier_bonus_bps" INTEGER NOT NULL,
  "amount" BIGINT NOT NULL,                         -- signed: positive earning, negative clawback
  "booked" BIGINT NOT NULL DEFAULT 0,               -- how much of amount is on the earnings wallet
  "currency" CHAR(3) NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'pending',
  "earned_at" TIMESTAMPTZ(3) NOT NULL,
  "approved_at" TIMESTAMPTZ(3),
  "approved_by" TEXT,                               -- an admin's id, or commission-approval
  "paid_at" TIMESTAMPTZ(3),
  "payout_id" UUID,                                 -- the payout that completed its payment
  "invoice_id" UUID,                                -- set by commission invoices (issue 16 item 2); no FK
  "idempotency_key" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "commission_kind_check" CHECK ("kind" IN ('earning', 'clawback')),
  CONSTRAINT "commission_source_kind_check" CHECK ("source_kind" IN ('job', 'order')),
  CONSTRAINT "commission_status_check" CHECK ("status" IN ('pending', 'approved', 'paid')),
  CONSTRAINT "commission_sign_check" CHECK (("kind" = 'earning' AND "amount" >= 0 AND "clawback_of" IS NULL)
    OR ("kind" = 'clawback' AND "amount" <= 0 AND "clawback_of" IS NOT NULL)),
  CONSTRAINT "commission_booked_check" CHECK (("amount" >= 0 AND "booked" BETWEEN 0 AND "amount") OR ("amount" < 0 AND "booked" BETWEEN "amount" AND 0)),
  CONSTRAINT "commission_wallet_id_fkey" FOREIGN KEY ("wallet_id") REFERENCES "wallet" ("id") ON DELETE RESTRICT,
  CONSTRAINT "commission_clawback_of_fkey" FOREIGN KEY ("clawback_of") REFERENCES "commission" ("id") ON DELETE RESTRICT
);
-- one earning per charge or order, one clawback per refund entry
CREATE UNIQUE INDEX "commission_idempotency_key_key" ON "commission" ("idempotency_key");
CREATE INDEX "commission_reseller_id_created_at_id_idx" ON "commission" ("reseller_id", "created_at", "id");
CREATE INDEX "commission_created_at_id_idx" ON "commission" ("created_at", "id");
CREATE INDEX "commission_clawback_of_idx" ON "commission" ("clawback_of");
CREATE INDEX "commission_charge_entry_id_idx" ON "commission" ("charge_entry_id");
-- the approval job scans only pending earnings
CREATE INDEX "commission_pending_earned_at_idx" ON "commission" ("earned_at") WHERE "status" = 'pending' AND "kind" = 'earning';

-- CreateTable
CREATE TABLE "payout_method" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  "reseller_id" UUID NOT NULL,
  "kind" TEXT NOT NULL,                             -- bank_transfer | paypal
  "label" TEXT,
  "details" JSONB NOT NULL,                         -- full details for the payout provider; never answered
  "masked" TEXT NOT NULL,                           -- what the API shows, e.g. DE89 •••• 3000
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "payout_method_kind_check" CHECK ("kind" IN ('bank_transfer', 'paypal'))
);
CREATE INDEX "payout_method_reseller_id_created_at_id_idx" ON "payout_method" ("reseller_id", "created_at", "id");

-- CreateTable
CREATE TABLE "payout" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  "reseller_id" UUID NOT NULL,
  "wallet_id" UUID NOT NULL,
  "method_id" UUID NOT NULL,
  "amount" BIGINT NOT NULL,
  "currency" CHAR(3) NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'requested',
  "hold_id" UUID NOT NULL,
  "reference" TEXT,                                 -- the transfer's reference at the provider
  "failure_reason" TEXT,
  "processing_at" TIMESTAMPTZ(3),
  "completed_at" TIMESTAMPTZ(3),
  "failed_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "payout_status_check" CHECK ("status" IN ('requested', 'processing', 'completed', 'failed')),
  CONSTRAINT "payout_amount_check" CHECK ("amount" > 0),
  CONSTRAINT "payout_wallet_id_fkey" FOREIGN KEY ("wallet_id") REFERENCES "wallet" ("id") ON DELETE RESTRICT,
  CONSTRAINT "payout_method_id_fkey" FOREIGN KEY ("method_id") REFERENCES "payout_method" ("id") ON DELETE RESTRICT,
  CONSTRAINT "payout_hold_id_fkey" FOREIGN KEY ("hold_id") REFERENCES "hold" ("id") ON DELETE RESTRICT
);
CREATE INDEX "payout_reseller_id_created_at_id_idx" ON "payout" ("reseller_id", "created_at", "id");
CREATE INDEX "payout_created_at_id_idx" ON "payout" ("created_at", "id");
