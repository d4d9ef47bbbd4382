-- Volume tiers and reseller price overrides (issue 15 item 4). A price list version may belong to a
-- reseller (an override for that reseller's customers) and carry graduated tiers: from a number of
-- units used by the customer in the calendar month on, the unit price changes. usage_month keeps
-- those monthly units per customer and job type, updated in the transaction of each posting.

-- AlterTable
ALTER TABLE "price_list" ADD COLUMN "reseller_id" UUID;
-- [{ "fromUnits": micro-units as a decimal string, "unitPrice": micro-units as a decimal string }], ascending
ALTER TABLE "price_list" ADD COLUMN "tiers" JSONB NOT NULL DEFAULT '[]'::jsonb;
DROP INDEX "price_list_job_type_currency_effective_from_idx";
CREATE INDEX "price_list_job_type_currency_reseller_id_effective_from_idx" ON "price_list" ("job_type", "currency", "reseller_id", "effective_from" DESC, "created_at" DESC);

-- CreateTable
CREATE TABLE "usage_month" (
  "customer_id" UUID NOT NULL,
  "job_type" TEXT NOT NULL,
  "month" DATE NOT NULL,                            -- first day of the calendar month (UTC)
  "units" BIGINT NOT NULL DEFAULT 0,                -- micro-units of the price's unit
  PRIMARY KEY ("customer_id", "job_type", "month"),
  CONSTRAINT "usage_month_units_check" CHECK ("units" >= 0)
);
