-- Refunds the reseller asks billing for (order.refund_requested; issue 13 item 3): one row per
-- charge to give back, so the same duplicate payment reported twice requests one refund.
-- CreateTable
CREATE TABLE "order_refund_request" (
  "transaction_id" UUID NOT NULL,
  "order_id" UUID NOT NULL,
  "reason" TEXT NOT NULL CHECK ("reason" IN ('duplicate_payment', 'order_cancelled', 'order_failed')),
  "amount_micros" BIGINT NOT NULL CHECK ("amount_micros" >= 0),
  "currency" CHAR(3) NOT NULL,
  "event_id" UUID NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

  CONSTRAINT "order_refund_request_pkey" PRIMARY KEY ("transaction_id"),
  CONSTRAINT "order_refund_request_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "reseller_order" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "order_refund_request_order_id_idx" ON "order_refund_request" ("order_id");
