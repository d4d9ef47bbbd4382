-- The relay is now woken by the producer right after its commit (messaging.outboxCommitted(), a
-- direct call in-process or a NOTIFY sent outside the transaction), not by this trigger: a
-- transaction that sends NOTIFY holds a database-wide lock through its commit's WAL flush, which
-- serialised every producer commit (see packages/messaging/sql/messaging-tables.sql).
DROP TRIGGER IF EXISTS "outbox_event_notify" ON "outbox_event";
DROP FUNCTION IF EXISTS "outbox_event_notify"();
