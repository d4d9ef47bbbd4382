-- The claim takes the first queued job in (priority DESC, queued_at, id) order that the runner can
-- run. job_queue_idx leads with the type, so for a runner of several types PostgreSQL sorted every
-- queued row on each claim (claims fell from ~370/s at 3,000 queued jobs to ~60/s at 20,000,
-- bench/runner-registry/claims.js). In this order it walks the index and stops at the first match.
CREATE INDEX "job_queue_order_idx" ON "job" ("priority" DESC, "queued_at", "id") WHERE "status" = 'queued';
