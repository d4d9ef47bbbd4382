-- Commissions (issue 16 item 1), in the shape the `commissions` branch defines, so commission
-- invoices (issue 16 item 2) can be built and tested before that branch lands. At the merge one
-- definition of this table must remain: keep the commissions branch's and drop this migration if
-- the columns below are all there (the invoice repository reads only these).
CREATE TABLE "commissions" (
  "id"           UUID        NOT NULL DEFAULT gen_random_uuid(),
  "reseller_id"  UUID        NOT NULL,
  "customer_id"  UUID        NOT NULL,
  "source"       TEXT        NOT NULL,
  "base_amount"  BIGINT      NOT NULL,
  "rate"         INTEGER     NOT NULL,
  "amount"       BIGINT      NOT NULL,
  "currency"     CHAR(3)     NOT NULL,
  "status"       TEXT        NOT NULL DEFAULT 'pending',
  "approved_at"  TIMESTAMPTZ(3),
  "created_at"   TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "invoice_id"   UUID,
  CONSTRAINT "commissions_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "commissions_source_check" CHECK ("source" IN ('charge', 'order')),
  CONSTRAINT "commissions_status_check" CHECK ("status" IN ('pending', 'approved', 'paid'))
);
CREATE INDEX "commissions_reseller_id_status_idx" ON "commissions" ("reseller_id", "status");
CREATE INDEX "commissions_invoice_id_idx" ON "commissions" ("invoice_id");
