// Prisma Migrate's bookkeeping, reproduced exactly so `prisma migrate deploy/status` accept a
// database this package migrated, and so this package and Prisma never migrate at the same time.
// Source: prisma-engines schema-engine/connectors/sql-schema-connector (postgres flavour) and
// schema-connector/src/checksum.rs.
import type { ClientBase } from 'pg';

/** Prisma's advisory-lock key for Migrate on PostgreSQL (`SELECT pg_advisory_lock(72707369)`). */
export const PRISMA_MIGRATE_LOCK_KEY = 72707369;

/** Prisma's own DDL for the table, plus IF NOT EXISTS. */
export const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;

export interface MigrationRecord {
  id: string;
  checksum: string;
  migrationName: string;
  finishedAt: Date | null;
  rolledBackAt: Date | null;
}

export async function listMigrationRecords(client: ClientBase): Promise<MigrationRecord[]> {
  const { rows } = await client.query<MigrationRecord>(
    `SELECT id, checksum, migration_name AS "migrationName", finished_at AS "finishedAt",
            rolled_back_at AS "rolledBackAt"
       FROM _prisma_migrations
      ORDER BY started_at`,
  );
  return rows;
}

/** Prisma's `record_migration_started`: a row with applied_steps_count 0 and no finished_at. */
export async function recordMigrationStarted(
  client: ClientBase,
  record: { id: string; checksum: string; migrationName: string },
): Promise<void> {
  await client.query(
    `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count)
     VALUES ($1, $2, $3, clock_timestamp(), 0)`,
    [record.id, record.checksum, record.migrationName],
  );
}

/**
 * Prisma's `record_successful_step` then `record_migration_finished`: a migration.sql is one
 * step, so a finished row has applied_steps_count 1. clock_timestamp(), not now(): inside the
 * migration's transaction now() would equal started_at.
 */
export async function recordMigrationFinished(client: ClientBase, id: string): Promise<void> {
  await client.query(
    `UPDATE _prisma_migrations
        SET applied_steps_count = applied_steps_count + 1, finished_at = clock_timestamp()
      WHERE id = $1`,
    [id],
  );
}
