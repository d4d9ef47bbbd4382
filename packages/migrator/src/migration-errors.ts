// The ways applying migrations can be refused or fail; each message names the migration and,
// where it helps, what to do about it.

/** An already applied migration's file was edited after the fact. */
export class MigrationChecksumError extends Error {
  override readonly name = 'MigrationChecksumError';
  constructor(
    readonly migration: string,
    readonly file: string,
  ) {
    super(
      `migration ${migration} was changed after it was applied (checksum differs from _prisma_migrations): ` +
        `restore ${file} and put the change in a new migration`,
    );
  }
}

/** `_prisma_migrations` holds a started but unfinished migration (a failed `prisma migrate deploy`). */
export class MigrationUnfinishedError extends Error {
  override readonly name = 'MigrationUnfinishedError';
  constructor(readonly migration: string) {
    super(
      `migration ${migration} is recorded as started but never finished (a failed earlier run): ` +
        `repair the database, then mark it with \`prisma migrate resolve --applied|--rolled-back ${migration}\``,
    );
  }
}

/** A migration's SQL failed; its transaction was rolled back and nothing was recorded. */
export class MigrationFailedError extends Error {
  override readonly name = 'MigrationFailedError';
  constructor(
    readonly migration: string,
    readonly file: string,
    readonly sqlError: string,
    readonly line: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(`migration ${migration} failed and was rolled back: ${file}${line === undefined ? '' : `:${line}`}: ${sqlError}`, options);
  }
}

/** Another migrator (ours or Prisma's) held the migration lock for longer than we were willing to wait. */
export class MigrationLockTimeoutError extends Error {
  override readonly name = 'MigrationLockTimeoutError';
  constructor(readonly waitedMs: number) {
    super(`timed out after ${waitedMs} ms waiting for the migration lock (another migrator is running)`);
  }
}
