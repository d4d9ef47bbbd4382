import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '@runfleet/test-infra';
import {
  MigrationChecksumError,
  MigrationFailedError,
  MigrationLockTimeoutError,
  MigrationUnfinishedError,
  applyMigrations,
} from '../../src';

let db: TestDatabase;
let migrationsDir: string;

beforeEach(async () => {
  db = await createTestDatabase('migrator');
  migrationsDir = await mkdtemp(path.join(tmpdir(), 'runfleet-migrations-'));
  await writeFile(path.join(migrationsDir, 'migration_lock.toml'), 'provider = "postgresql"\n');
});

afterEach(async () => {
  await db.drop();
  await rm(migrationsDir, { recursive: true, force: true });
});

async function addMigration(name: string, sql: string): Promise<string> {
  await mkdir(path.join(migrationsDir, name), { recursive: true });
  const file = path.join(migrationsDir, name, 'migration.sql');
  await writeFile(file, sql);
  return file;
}

async function query<R extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function recordedMigrations(): Promise<string[]> {
  const rows = await query<{ migration_name: string }>('SELECT migration_name FROM _prisma_migrations ORDER BY started_at');
  return rows.map((row) => row.migration_name);
}

async function tableExists(table: string): Promise<boolean> {
  const rows = await query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [table]);
  return rows[0]?.exists === true;
}

const run = () => applyMigrations({ databaseUrl: db.url, migrationsDir });

describe('applyMigrations', () => {
  it('applies migrations in the order of their directory names, each after the one it builds on', async () => {
    // Written out of order: the second alters the table the first creates.
    await addMigration('20240102000000_add_colour', 'ALTER TABLE "widget" ADD COLUMN "colour" TEXT;');
    await addMigration('20240101000000_create_widget', 'CREATE TABLE "widget" ("id" SERIAL PRIMARY KEY);');

    const result = await run();

    expect(result).toEqual({ applied: ['20240101000000_create_widget', '20240102000000_add_colour'], skipped: [] });
    await query(`INSERT INTO "widget" ("colour") VALUES ('red')`);
    expect(await recordedMigrations()).toEqual(['20240101000000_create_widget', '20240102000000_add_colour']);
  });

  it('records each migration in a _prisma_migrations table shaped and filled as Prisma Migrate does', async () => {
    const file = await addMigration('20240101000000_create_widget', 'CREATE TABLE "widget" ("id" SERIAL PRIMARY KEY);\n');

    await run();

    const columns = await query(
      `SELECT column_name, data_type, character_maximum_length AS length, is_nullable, column_default
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', length: 36, is_nullable: 'NO', column_default: null },
      { column_name: 'checksum', data_type: 'character varying', length: 64, is_nullable: 'NO', column_default: null },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'migration_name', data_type: 'character varying', length: 255, is_nullable: 'NO', column_default: null },
      { column_name: 'logs', data_type: 'text', length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'started_at', data_type: 'timestamp with time zone', length: null, is_nullable: 'NO', column_default: 'now()' },
      { column_name: 'applied_steps_count', data_type: 'integer', length: null, is_nullable: 'NO', column_default: '0' },
    ]);

    const rows = await query<Record<string, unknown>>('SELECT * FROM _prisma_migrations');
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(row.checksum).toBe(createHash('sha256').update(await readFile(file)).digest('hex'));
    expect(row.migration_name).toBe('20240101000000_create_widget');
    expect(row.logs).toBeNull();
    expect(row.rolled_back_at).toBeNull();
    expect(row.applied_steps_count).toBe(1);
    expect(row.finished_at).toBeInstanceOf(Date);
    expect((row.finished_at as Date).getTime()).toBeGreaterThanOrEqual((row.started_at as Date).getTime());
  });

  it('applies nothing when run again, and only the new migration once one is added', async () => {
    await addMigration('20240101000000_create_widget', 'CREATE TABLE "widget" ("id" SERIAL PRIMARY KEY);');
    await run();

    expect(await run()).toEqual({ applied: [], skipped: ['20240101000000_create_widget'] });

    await addMigration('20240102000000_add_colour', 'ALTER TABLE "widget" ADD COLUMN "colour" TEXT;');
    expect(await run()).toEqual({ applied: ['20240102000000_add_colour'], skipped: ['20240101000000_create_widget'] });
    expect(await recordedMigrations()).toHaveLength(2);
  });

  it('refuses to run when an applied migration was edited, naming it, and applies nothing else', async () => {
    const file = await addMigration('20240101000000_create_widget', 'CREATE TABLE "widget" ("id" SERIAL PRIMARY KEY);');
    await run();
    await writeFile(file, 'CREATE TABLE "widget" ("id" BIGSERIAL PRIMARY KEY);');
    await addMigration('20240102000000_create_gadget', 'CREATE TABLE "gadget" ("id" SERIAL PRIMARY KEY);');

    const attempt = run();

    await expect(attempt).rejects.toBeInstanceOf(MigrationChecksumError);
    await expect(attempt).rejects.toThrow(/migration 20240101000000_create_widget was changed after it was applied/);
    expect(await tableExists('gadget')).toBe(false);
    expect(await recordedMigrations()).toEqual(['20240101000000_create_widget']);
  });

  it('does not take a migration whose line endings git converted for an edited one', async () => {
    const file = await addMigration('20240101000000_create_widget', 'CREATE TABLE "widget" (\n  "id" SERIAL PRIMARY KEY\n);\n');
    await run();
    await writeFile(file, 'CREATE TABLE "widget" (\r\n  "id" SERIAL PRIMARY KEY\r\n);\r\n');

    expect(await run()).toEqual({ applied: [], skipped: ['20240101000000_create_widget'] });
  });

  it('rolls a failing migration back entirely, records nothing for it, and reports its file and SQL error', async () => {
    await addMigration('20240101000000_create_widget', 'CREATE TABLE "widget" ("id" SERIAL PRIMARY KEY);');
    const file = await addMigration(
      '20240102000000_broken',
      'CREATE TABLE "gadget" ("id" SERIAL PRIMARY KEY);\nINSERT INTO "gadget" DEFAULT VALUES;\nALTER TABLE "no_such_table" ADD COLUMN "x" TEXT;\n',
    );
    await addMigration('20240103000000_after', 'CREATE TABLE "after" ("id" SERIAL PRIMARY KEY);');

    const attempt = run();

    await expect(attempt).rejects.toBeInstanceOf(MigrationFailedError);
    await expect(attempt).rejects.toThrow(`migration 20240102000000_broken failed and was rolled back: ${file}: relation "no_such_table" does not exist`);
    expect(await tableExists('widget')).toBe(true);
    expect(await tableExists('gadget')).toBe(false);
    expect(await tableExists('after')).toBe(false);
    expect(await recordedMigrations()).toEqual(['20240101000000_create_widget']);
  });

  it('points at the line of a syntax error', async () => {
    const file = await addMigration('20240101000000_typo', 'CREATE TABLE "widget" (\n  "id" SERIAL PRIMARY KEY\n);\nCREAT TABLE "gadget" ("id" INT);\n');

    await expect(run()).rejects.toThrow(`${file}:4: syntax error at or near "CREAT"`);
    expect(await tableExists('widget')).toBe(false);
  });

  it('applies each migration exactly once when two runners start at the same time', async () => {
    await addMigration('20240101000000_create_widget', 'CREATE TABLE "widget" ("id" SERIAL PRIMARY KEY);');
    // Slow enough that the second runner certainly arrives while the first is still migrating.
    await addMigration('20240102000000_slow', 'SELECT pg_sleep(0.3);\nCREATE TABLE "gadget" ("id" SERIAL PRIMARY KEY);');

    const [first, second] = await Promise.all([run(), run()]);

    expect([...first.applied, ...second.applied].sort()).toEqual(['20240101000000_create_widget', '20240102000000_slow']);
    expect(await recordedMigrations()).toEqual(['20240101000000_create_widget', '20240102000000_slow']);
  });

  it('waits for Prisma Migrate’s advisory lock and gives up with a clear error when it is held too long', async () => {
    await addMigration('20240101000000_create_widget', 'CREATE TABLE "widget" ("id" SERIAL PRIMARY KEY);');
    const prisma = new Client({ connectionString: db.url });
    await prisma.connect();
    try {
      // Exactly what `prisma migrate deploy` runs before touching the database.
      await prisma.query('SELECT pg_advisory_lock(72707369)');

      const attempt = applyMigrations({ databaseUrl: db.url, migrationsDir, lockTimeoutMs: 200 });

      await expect(attempt).rejects.toBeInstanceOf(MigrationLockTimeoutError);
      expect(await tableExists('widget')).toBe(false);
    } finally {
      await prisma.end();
    }
    expect((await run()).applied).toEqual(['20240101000000_create_widget']);
  });

  it('refuses to run over a migration a failed Prisma deploy left unfinished', async () => {
    await addMigration('20240101000000_create_widget', 'CREATE TABLE "widget" ("id" SERIAL PRIMARY KEY);');
    await addMigration('20240102000000_create_gadget', 'CREATE TABLE "gadget" ("id" SERIAL PRIMARY KEY);');
    await run();
    await query(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, logs, started_at, applied_steps_count)
       VALUES ('9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d', 'x', '20240103000000_half_done', 'error', now(), 0)`,
    );
    await addMigration('20240103000000_half_done', 'CREATE TABLE "half" ("id" SERIAL PRIMARY KEY);');

    await expect(run()).rejects.toThrow(MigrationUnfinishedError);
    await expect(run()).rejects.toThrow(/20240103000000_half_done is recorded as started but never finished/);
    expect(await tableExists('half')).toBe(false);
  });

  it('re-applies a migration that was marked rolled back, as Prisma does', async () => {
    await addMigration('20240101000000_create_widget', 'CREATE TABLE IF NOT EXISTS "widget" ("id" SERIAL PRIMARY KEY);');
    await run();
    await query(`UPDATE _prisma_migrations SET rolled_back_at = now()`);

    expect((await run()).applied).toEqual(['20240101000000_create_widget']);
  });
});
