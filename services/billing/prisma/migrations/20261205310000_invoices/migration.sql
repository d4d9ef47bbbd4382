-- Invoices (DESIGN.md §2 billing "Invoice"; issue 16 item 2): monthly usage statements per
-- customer and commission invoices per reseller, draft → issued → paid | void, with lines, and
-- sequential numbers without gaps per series and year.
--   invoice.kind: usage (a customer's statement; customer_id set) | commission (a reseller's; customer_id null)
--   invoice.number: null until issued; assigned from invoice_counter in the issuing transaction
--   invoice.total: Σ of the lines that count (micro-units; a statement's credits do not count, see credits_total)
--   invoice_counter: one row per series and year; its row lock serialises issuing within a series,
--     and a rolled-back issue rolls its increment back with it, so numbers have no gaps

-- CreateTable
CREATE TABLE "invoice" (
  "id"            UUID        NOT NULL DEFAULT gen_random_uuid(),
  "kind"          TEXT        NOT NULL,
  "series"        TEXT        NOT NULL,
  "number"        TEXT,
  "status"        TEXT        NOT NULL DEFAULT 'draft',
  "customer_id"   UUID,
  "reseller_id"   UUID,
  "currency"      CHAR(3)     NOT NULL,
  "period_start"  DATE        NOT NULL,
  "period_end"    DATE        NOT NULL,
  "total"         BIGINT      NOT NULL DEFAULT 0,
  "credits_total" BIGINT      NOT NULL DEFAULT 0,
  "due_date"      DATE,
  "issued_at"     TIMESTAMPTZ(3),
  "paid_at"       TIMESTAMPTZ(3),
  "payment_reference" TEXT,
  "voided_at"     TIMESTAMPTZ(3),
  "void_reason"   TEXT,
  "created_by_type" TEXT      NOT NULL,
  "created_by_id" TEXT,
  "created_at"    TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at"    TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "invoice_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "invoice_kind_check" CHECK ("kind" IN ('usage', 'commission')),
  CONSTRAINT "invoice_status_check" CHECK ("status" IN ('draft', 'issued', 'paid', 'void')),
  CONSTRAINT "invoice_owner_check" CHECK (("kind" = 'usage' AND "customer_id" IS NOT NULL) OR ("kind" = 'commission' AND "customer_id" IS NULL AND "reseller_id" IS NOT NULL)),
  CONSTRAINT "invoice_period_check" CHECK ("period_start" <= "period_end"),
  -- an issued (or later) invoice has its number, issue time and due date
  CONSTRAINT "invoice_issued_check" CHECK ("status" = 'draft' OR "number" IS NOT NULL OR "voided_at" IS NOT NULL),
  CONSTRAINT "invoice_number_check" CHECK ("number" IS NULL OR ("issued_at" IS NOT NULL AND "due_date" IS NOT NULL))
);
CREATE UNIQUE INDEX "invoice_number_key" ON "invoice" ("number");
-- one statement per customer and month: the monthly job's rerun (or a second replica) creates none
CREATE UNIQUE INDEX "invoice_usage_customer_period_key" ON "invoice" ("customer_id", "period_start") WHERE "kind" = 'usage';
CREATE INDEX "invoice_created_at_id_idx" ON "invoice" ("created_at", "id");
CREATE INDEX "invoice_reseller_id_idx" ON "invoice" ("reseller_id");

-- CreateTable
CREATE TABLE "invoice_line" (
  "id"            UUID        NOT NULL DEFAULT gen_random_uuid(),
  "invoice_id"    UUID        NOT NULL,
  "position"      INTEGER     NOT NULL,
  -- job | order | refund | credit (statements) | commission
  "kind"          TEXT        NOT NULL,
  "description"   TEXT        NOT NULL,
  "job_type"      TEXT,
  "unit"          TEXT,
  -- usage in micro-units of the unit (job lines)
  "units"         BIGINT,
  "unit_price"    BIGINT,
  "quantity"      INTEGER     NOT NULL DEFAULT 1,
  "amount"        BIGINT      NOT NULL,
  -- commission lines: whose purchase earned it, the month it was approved, its base and rate
  "customer_id"   UUID,
  "month"         DATE,
  "commission_id" UUID,
  "base_amount"   BIGINT,
  "rate"          TEXT,
  "reference_kind" TEXT,
  "reference_id"  TEXT,
  CONSTRAINT "invoice_line_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "invoice_line_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "invoice" ("id") ON DELETE CASCADE,
  CONSTRAINT "invoice_line_kind_check" CHECK ("kind" IN ('job', 'order', 'refund', 'credit', 'commission'))
);
CREATE UNIQUE INDEX "invoice_line_invoice_id_position_key" ON "invoice_line" ("invoice_id", "position");

-- CreateTable
CREATE TABLE "invoice_counter" (
  "series" TEXT    NOT NULL,
  "year"   INTEGER NOT NULL,
  "last"   INTEGER NOT NULL,
  CONSTRAINT "invoice_counter_pkey" PRIMARY KEY ("series", "year"),
  CONSTRAINT "invoice_counter_last_check" CHECK ("last" > 0)
);
