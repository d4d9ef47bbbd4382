-- Inbox pruning deletes rows past their retention by age (packages/messaging/src/inbox.ts); without
-- an index on processed_at every chunk it deletes scanned the whole table.
CREATE INDEX "inbox_message_processed_at_idx" ON "inbox_message" ("processed_at");
