// Applies each service's hand-written Prisma migrations and keeps `_prisma_migrations` as Prisma
// Migrate keeps it (DESIGN.md §1: every service owns its database and Prisma schema).
export { applyMigrations } from './apply-migrations';
export type { ApplyMigrationsOptions, ApplyMigrationsResult, MigrationLogger } from './apply-migrations';
export { ensureDatabase } from './ensure-database';
export { databaseNameOf, redactDatabaseUrl } from './database-url';
export { checksumOf, readMigrationFiles } from './migration-files';
export type { MigrationFile } from './migration-files';
export {
  MigrationChecksumError,
  MigrationFailedError,
  MigrationLockTimeoutError,
  MigrationUnfinishedError,
} from './migration-errors';
export { PRISMA_MIGRATE_LOCK_KEY } from './migrations-table';
export { migrateDatabase, runMigrateCommand } from './migrate-command';
export type { MigrateCommandOptions } from './migrate-command';
