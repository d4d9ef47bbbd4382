-- A reseller's sales summed per UTC day (DESIGN.md §2 tiers), kept with every recorded sale: a tier
-- is recomputed on every sale over a trailing window, and summing every sale of the window each time
-- grew with the reseller's volume (a reseller with a million job charges a month read a million rows
-- per charge). The window's sum now reads at most one row per day, plus the sales of its first,
-- partial day.
CREATE TABLE "reseller_sale_day" (
    "reseller_id" UUID NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "day" DATE NOT NULL,
    "total_micros" BIGINT NOT NULL,
    "job_charges_micros" BIGINT NOT NULL,
    "orders_micros" BIGINT NOT NULL,
    "sales" INTEGER NOT NULL,
    CONSTRAINT "reseller_sale_day_pkey" PRIMARY KEY ("reseller_id", "currency", "day"),
    CONSTRAINT "reseller_sale_day_reseller_id_fkey" FOREIGN KEY ("reseller_id") REFERENCES "reseller"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

INSERT INTO "reseller_sale_day" ("reseller_id", "currency", "day", "total_micros", "job_charges_micros", "orders_micros", "sales")
SELECT "reseller_id", "currency", ("occurred_at" AT TIME ZONE 'UTC')::date,
       sum("amount_micros"),
       COALESCE(sum("amount_micros") FILTER (WHERE "source_kind" = 'job_charge'), 0),
       COALESCE(sum("amount_micros") FILTER (WHERE "source_kind" = 'order'), 0),
       count(*)
  FROM "reseller_sale"
 GROUP BY 1, 2, 3;
