// `node dist/migrate.js`: creates the reseller database if it is missing and applies its migrations
// (prisma/migrations, hand-written; see packages/migrator/README.md).
import path from 'node:path';
import { migrateDatabase, runMigrateCommand, type ApplyMigrationsResult } from '@runfleet/migrator';

/** prisma/ sits in the service root, one level above both src/ (jest) and dist/ (runtime). */
export const MIGRATIONS_DIR = path.resolve(__dirname, '../prisma/migrations');

export function migrate(databaseUrl: string): Promise<ApplyMigrationsResult> {
  return migrateDatabase(databaseUrl, MIGRATIONS_DIR);
}

if (require.main === module) {
  void runMigrateCommand({ migrationsDir: MIGRATIONS_DIR }).then((code) => {
    process.exitCode = code;
  });
}
