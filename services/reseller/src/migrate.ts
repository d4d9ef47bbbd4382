// `node dist/migrate.js`: creates the reseller database if it is missing and applies its
// migrations (prisma/migrations, hand-written; see packages/migrator/README.md).
import path from 'node:path';
import { z } from 'zod';
import { applyMigrations, ensureDatabase, type ApplyMigrationsResult } from '@runfleet/migrator';

/** prisma/ sits in the service root, one level above both src/ (jest) and dist/ (runtime). */
export const MIGRATIONS_DIR = path.resolve(__dirname, '../prisma/migrations');

const migrateEnvSchema = z.object({
  DATABASE_URL: z
    .string({ error: 'DATABASE_URL is required' })
    .refine(isPostgresUrl, 'DATABASE_URL must be a postgresql:// URL naming a database'),
});

function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'postgresql:' || url.protocol === 'postgres:') && url.pathname.length > 1;
  } catch {
    return false;
  }
}

/** Creates the database if needed, then applies every pending migration. */
export async function migrate(databaseUrl: string): Promise<ApplyMigrationsResult> {
  await ensureDatabase(databaseUrl);
  return applyMigrations({ databaseUrl, migrationsDir: MIGRATIONS_DIR });
}

/** The command: one line per applied migration on stdout, or one error line; returns the exit code. */
export async function runMigrateCommand(
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const parsed = migrateEnvSchema.safeParse(env);
  if (!parsed.success) {
    err(`migrate: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
    return 1;
  }
  const databaseUrl = parsed.data.DATABASE_URL;
  try {
    const { applied, skipped } = await migrate(databaseUrl);
    for (const name of applied) out(`applied ${name}`);
    if (applied.length === 0) out(`no pending migrations (${skipped.length} already applied)`);
    return 0;
  } catch (error) {
    const { hostname, port, pathname } = new URL(databaseUrl);
    const where = `database ${decodeURIComponent(pathname.slice(1))} at ${hostname}:${port || '5432'}`;
    err(`migrate: ${withoutPassword(error instanceof Error ? error.message : String(error), databaseUrl)} (${where})`);
    return 1;
  }
}

/** Driver messages do not normally quote the URL; this makes sure its password never reaches a log. */
function withoutPassword(message: string, databaseUrl: string): string {
  const password = new URL(databaseUrl).password;
  if (password === '') return message.replace(/\s+/g, ' ');
  return [password, decodeURIComponent(password)]
    .reduce((text, secret) => text.split(secret).join('***'), message)
    .replace(/\s+/g, ' ');
}

if (require.main === module) {
  void runMigrateCommand(
    process.env,
    (line) => process.stdout.write(`${line}\n`),
    (line) => process.stderr.write(`${line}\n`),
  ).then((code) => {
    process.exitCode = code;
  });
}
