// The `migrate` command every database service ships (`node dist/migrate.js`): creates the
// service's database when missing, applies its pending migrations, and reports in one line per
// migration — or one error line that never shows the database password.
import { z } from 'zod';
import { applyMigrations, type ApplyMigrationsResult } from './apply-migrations';
import { ensureDatabase } from './ensure-database';

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

/** Creates the database if needed, then applies every pending migration in `migrationsDir`. */
export async function migrateDatabase(databaseUrl: string, migrationsDir: string): Promise<ApplyMigrationsResult> {
  await ensureDatabase(databaseUrl);
  return applyMigrations({ databaseUrl, migrationsDir });
}

export interface MigrateCommandOptions {
  migrationsDir: string;
  env?: NodeJS.ProcessEnv;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

/** Runs the command and returns its exit code. */
export async function runMigrateCommand(options: MigrateCommandOptions): Promise<number> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = options.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const parsed = migrateEnvSchema.safeParse(options.env ?? process.env);
  if (!parsed.success) {
    err(`migrate: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
    return 1;
  }
  const databaseUrl = parsed.data.DATABASE_URL;
  try {
    const { applied, skipped } = await migrateDatabase(databaseUrl, options.migrationsDir);
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
