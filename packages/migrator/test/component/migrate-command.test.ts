import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '@runfleet/test-infra';
import { runMigrateCommand } from '../../src';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, options: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

let db: TestDatabase;
let migrationsDir: string;

beforeAll(async () => {
  db = await createTestDatabase('migrate_command');
  migrationsDir = mkdtempSync(path.join(tmpdir(), 'runfleet-migrate-'));
  mkdirSync(path.join(migrationsDir, '20260101000000_init'));
  writeFileSync(path.join(migrationsDir, '20260101000000_init', 'migration.sql'), 'CREATE TABLE "thing" ("id" INT PRIMARY KEY);');
});

afterAll(async () => {
  await db?.drop();
});

describe('the migrate command', () => {
  it('creates a missing database, applies its migrations and prints one line per migration', async () => {
    const fresh = `${db.url}_fresh`;
    const io = capture();

    const code = await runMigrateCommand({ migrationsDir, env: { DATABASE_URL: fresh }, ...io.options });

    expect(code).toBe(0);
    expect(io.out).toEqual(['applied 20260101000000_init']);
    const client = new Client({ connectionString: fresh });
    await client.connect();
    await expect(client.query('SELECT count(*)::int AS n FROM "thing"')).resolves.toMatchObject({ rows: [{ n: 0 }] });
    await client.end();
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(`DROP DATABASE "${db.name}_fresh" WITH (FORCE)`);
    await admin.end();
  });

  it('reports that nothing is pending on a migrated database and exits 0', async () => {
    await runMigrateCommand({ migrationsDir, env: { DATABASE_URL: db.url }, ...capture().options });
    const io = capture();

    const code = await runMigrateCommand({ migrationsDir, env: { DATABASE_URL: db.url }, ...io.options });

    expect(code).toBe(0);
    expect(io.out).toEqual(['no pending migrations (1 already applied)']);
  });

  it('exits 1 with one readable line that never shows the password when the database is unreachable', async () => {
    const io = capture();

    const code = await runMigrateCommand({
      migrationsDir,
      env: { DATABASE_URL: 'postgresql://billing:hunter2-secret@127.0.0.1:1/runfleet_billing' },
      ...io.options,
    });

    expect(code).toBe(1);
    expect(io.err).toHaveLength(1);
    expect(io.err[0]).toMatch(/^migrate: .*ECONNREFUSED.* \(database runfleet_billing at 127\.0\.0\.1:1\)$/);
    expect(io.err.join('')).not.toContain('hunter2');
  });

  it('refuses a DATABASE_URL that is not a postgresql:// URL', async () => {
    const io = capture();

    const code = await runMigrateCommand({ migrationsDir, env: { DATABASE_URL: 'mysql://root@localhost/billing' }, ...io.options });

    expect(code).toBe(1);
    expect(io.err).toEqual(['migrate: DATABASE_URL must be a postgresql:// URL naming a database']);
  });
});
