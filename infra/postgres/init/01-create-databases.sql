-- Creates each service's own database on the compose stack's first start (DESIGN.md §1: no
-- service reads another's). The migrate-* services would create a missing one too; this keeps
-- the databases visible from the moment PostgreSQL is up.
CREATE DATABASE runfleet_reseller;
CREATE DATABASE runfleet_billing;
CREATE DATABASE runfleet_runner_registry;
CREATE DATABASE runfleet_notifications;
