// Reads a Prisma-format migrations directory: <dir>/<timestamp>_<name>/migration.sql, applied in
// lexical order, each identified by its directory name and the sha256 of its bytes.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export interface MigrationFile {
  /** the directory name, e.g. `20261122000000_init`; recorded as `migration_name` */
  name: string;
  /** absolute path of its migration.sql */
  file: string;
  sql: string;
  /** hex sha256 of the file's bytes, as Prisma records it */
  checksum: string;
}

/** Hex sha256: the checksum format of Prisma's `_prisma_migrations.checksum`. */
export function checksumOf(script: string): string {
  return createHash('sha256').update(script, 'utf8').digest('hex');
}

/**
 * Whether a script matches a recorded checksum. Like Prisma's schema engine, a script whose line
 * endings git converted (LF <-> CRLF) still matches, so a checkout on Windows is not "changed".
 */
export function scriptMatchesChecksum(script: string, checksum: string): boolean {
  const lf = script.replace(/\r\n/g, '\n');
  const variants = [script, lf, lf.replace(/\n/g, '\r\n')];
  return variants.some((variant) => checksumOf(variant) === checksum);
}

/** Lists the migrations of a directory in the order they apply. Other entries (migration_lock.toml) are ignored. */
export async function readMigrationFiles(migrationsDir: string): Promise<MigrationFile[]> {
  const root = path.resolve(migrationsDir);
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    throw new Error(`cannot read migrations directory ${root}: ${(error as Error).message}`);
  }
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    // Plain code-unit order (not localeCompare): timestamps sort the same on every machine.
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

  const migrations: MigrationFile[] = [];
  for (const name of names) {
    const file = path.join(root, name, 'migration.sql');
    let sql: string;
    try {
      sql = await readFile(file, 'utf8');
    } catch {
      throw new Error(`migration ${name} has no migration.sql (expected ${file})`);
    }
    migrations.push({ name, file, sql, checksum: checksumOf(sql) });
  }
  return migrations;
}
