// Applies a service's hand-written Prisma-format migrations and records them in
// `_prisma_migrations` exactly as `prisma migrate deploy` would. Hand-written because Prisma's
// own runner lives in its schema-engine binary, which cannot be installed here; see README.md.
import { randomUUID } from 'node:crypto';
import { Client, DatabaseError } from 'pg';
import {
  MigrationChecksumError,
  MigrationFailedError,
  MigrationLockTimeoutError,
  MigrationUnfinishedError,
} from './migration-errors';
import { readMigrationFiles, scriptMatchesChecksum, type MigrationFile } from './migration-files';
import {
  CREATE_MIGRATIONS_TABLE,
  PRISMA_MIGRATE_LOCK_KEY,
  listMigrationRecords,
  recordMigrationFinished,
  recordMigrationStarted,
  type MigrationRecord,
} from './migrations-table';

/** Anything with `info(message)`: console, a pino logger. */
export interface MigrationLogger {
  info(message: string): void;
}

export interface ApplyMigrationsOptions {
  databaseUrl: string;
  /** the service's prisma/migrations directory */
  migrationsDir: string;
  logger?: MigrationLogger;
  /**
   * How long to wait for another migrator (a replica starting at the same time, or
   * `prisma migrate deploy`) to finish. Prisma gives up after 10 s; replicas waiting on a long
   * migration need more, so the default is 5 minutes.
   */
  lockTimeoutMs?: number;
}

export interface ApplyMigrationsResult {
  /** migrations applied by this run, in order */
  applied: string[];
  /** migrations found already applied */
  skipped: string[];
}

const DEFAULT_LOCK_TIMEOUT_MS = 5 * 60_000;
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * Applies, in lexical order, every migration of `migrationsDir` not yet recorded as applied; each
 * in its own transaction together with its `_prisma_migrations` row, so a failing migration
 * leaves neither schema changes nor a record behind. The whole run holds Prisma Migrate's
 * advisory lock, so concurrent runs (ours or Prisma's) apply each migration once.
 * Refuses to run when an applied migration's file changed or an earlier run left one unfinished.
 */
export async function applyMigrations(options: ApplyMigrationsOptions): Promise<ApplyMigrationsResult> {
  const migrations = await readMigrationFiles(options.migrationsDir);
  const client = new Client({ connectionString: options.databaseUrl, application_name: 'runfleet-migrator' });
  // A dropped connection also rejects the query in flight, which reports it; without a listener
  // the 'error' event would crash the process instead.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await acquireLock(client, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const records = await listMigrationRecords(client);
    const { pending, skipped } = plan(migrations, records);

    const applied: string[] = [];
    for (const migration of pending) {
      const startedAt = Date.now();
      await applyOne(client, migration);
      applied.push(migration.name);
      options.logger?.info(`applied migration ${migration.name} (${Date.now() - startedAt} ms)`);
    }
    return { applied, skipped };
  } finally {
    // Ending the session releases the advisory lock even if the unlock itself fails.
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [PRISMA_MIGRATE_LOCK_KEY]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

async function acquireLock(client: Client, timeoutMs: number): Promise<void> {
  // lock_timeout bounds the wait for the advisory lock; it is reset before any migration runs so
  // the migrations' own statements wait as long as they need to.
  await client.query(`SELECT set_config('lock_timeout', $1, false)`, [`${Math.max(1, Math.round(timeoutMs))}ms`]);
  try {
    await client.query('SELECT pg_advisory_lock($1::bigint)', [PRISMA_MIGRATE_LOCK_KEY]);
  } catch (error) {
    if (error instanceof DatabaseError && error.code === LOCK_NOT_AVAILABLE) {
      throw new MigrationLockTimeoutError(timeoutMs);
    }
    throw error;
  }
  await client.query('RESET lock_timeout');
}

/** Splits the migrations into those to apply and those already applied, checking the history first. */
function plan(
  migrations: MigrationFile[],
  records: MigrationRecord[],
): { pending: MigrationFile[]; skipped: string[] } {
  // A row rolled back with `prisma migrate resolve --rolled-back` no longer counts, as in Prisma.
  const live = records.filter((record) => record.rolledBackAt === null);
  const unfinished = live.find((record) => record.finishedAt === null);
  if (unfinished) throw new MigrationUnfinishedError(unfinished.migrationName);

  const appliedByName = new Map(live.map((record) => [record.migrationName, record]));
  const pending: MigrationFile[] = [];
  const skipped: string[] = [];
  for (const migration of migrations) {
    const record = appliedByName.get(migration.name);
    if (!record) {
      pending.push(migration);
    } else if (!scriptMatchesChecksum(migration.sql, record.checksum)) {
      throw new MigrationChecksumError(migration.name, migration.file);
    } else {
      skipped.push(migration.name);
    }
  }
  return { pending, skipped };
}

async function applyOne(client: Client, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  await client.query('BEGIN');
  try {
    await recordMigrationStarted(client, { id, checksum: migration.checksum, migrationName: migration.name });
    try {
      // No parameters: pg sends it over the simple-query protocol, which runs a multi-statement script.
      await client.query(migration.sql);
    } catch (error) {
      throw toMigrationFailedError(migration, error);
    }
    await recordMigrationFinished(client, id);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

function toMigrationFailedError(migration: MigrationFile, error: unknown): MigrationFailedError {
  if (!(error instanceof DatabaseError)) {
    return new MigrationFailedError(migration.name, migration.file, String((error as Error)?.message ?? error), undefined, {
      cause: error,
    });
  }
  // `position` is a 1-based character offset into the script we sent, i.e. into the file.
  const position = error.position ? Number(error.position) : undefined;
  const line =
    position === undefined || Number.isNaN(position)
      ? undefined
      : migration.sql.slice(0, position - 1).split('\n').length;
  const detail = error.detail ? ` (${error.detail})` : '';
  return new MigrationFailedError(migration.name, migration.file, `${error.message}${detail} [SQLSTATE ${error.code}]`, line, {
    cause: error,
  });
}
