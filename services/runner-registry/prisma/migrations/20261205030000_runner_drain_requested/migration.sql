-- An operator's drain is a decision, the status `stale` / `offline` a fact about liveness: the one
-- column held both, so a draining runner that went stale and recovered came back `active` (issue 14).
-- drain_requested keeps the decision until an operator activates the runner.
ALTER TABLE "runner" ADD COLUMN "drain_requested" BOOLEAN NOT NULL DEFAULT false;
UPDATE "runner" SET "drain_requested" = true WHERE "status" = 'draining';
