-- Names on invoices (issue 16 follow-up): billing's read model of each customer's and reseller's
-- name and contact email, kept from the reseller service's customer.created / customer.updated /
-- reseller.created / reseller.updated (queue billing.accounts), and the names an invoice was issued
-- under, copied onto it when it is issued so a later rename does not change an issued invoice.
--   account.as_of: the occurredAt of the event the row is from; an older event never overwrites a
--                  newer one (a redelivered created after an updated changes nothing)
--   invoice.customer_name / reseller_name: null on a draft, and when billing knew no name at issue
--                  time (accounts created before this migration until their next *.updated)

-- CreateTable
CREATE TABLE "account" (
  "owner_type" TEXT           NOT NULL,
  "owner_id"   UUID           NOT NULL,
  "name"       TEXT           NOT NULL,
  "email"      TEXT           NOT NULL,
  "as_of"      TIMESTAMPTZ(3) NOT NULL,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "account_pkey" PRIMARY KEY ("owner_type", "owner_id"),
  CONSTRAINT "account_owner_type_check" CHECK ("owner_type" IN ('customer', 'reseller'))
);

-- AlterTable
ALTER TABLE "invoice" ADD COLUMN "customer_name" TEXT;
ALTER TABLE "invoice" ADD COLUMN "reseller_name" TEXT;
