-- The overdue check (DESIGN.md §2 "Credit account: ... an overdue check reminds, then suspends";
-- issue 15 item 8). A wallet's overdue episode starts when its balance goes below zero and ends when
-- it is back at zero or above. The database keeps the episode's start itself, so every path that
-- moves a balance (row by row or set-based) marks it the same way; the check reads it.
--   overdue_since: when the balance went below zero; null while it is ≥ 0
--   overdue_stage: how far the check has gone this episode: none → reminded → suspended (re-armed
--                  to none when the episode ends, so the next episode reminds again)

-- AlterTable
ALTER TABLE "wallet" ADD COLUMN "overdue_since" TIMESTAMPTZ(3),
  ADD COLUMN "overdue_stage" TEXT NOT NULL DEFAULT 'none',
  ADD CONSTRAINT "wallet_overdue_stage_check" CHECK ("overdue_stage" IN ('none', 'reminded', 'suspended'));

CREATE FUNCTION "wallet_track_overdue"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."balance" < 0 THEN
    IF NEW."overdue_since" IS NULL THEN
      NEW."overdue_since" := now();
      NEW."overdue_stage" := 'none';
    END IF;
  ELSE
    NEW."overdue_since" := NULL;
    NEW."overdue_stage" := 'none';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "wallet_track_overdue" BEFORE INSERT OR UPDATE OF "balance" ON "wallet"
  FOR EACH ROW EXECUTE FUNCTION "wallet_track_overdue"();

-- Wallets already below zero start their episode now (none existed before this migration in any
-- deployment, but a development database may have some).
UPDATE "wallet" SET "overdue_since" = now() WHERE "balance" < 0;

-- CreateIndex: the check scans only wallets in an episode.
CREATE INDEX "wallet_overdue_since_idx" ON "wallet" ("overdue_since") WHERE "overdue_since" IS NOT NULL;
