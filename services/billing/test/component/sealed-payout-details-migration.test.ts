// The migration that seals payout method details (20261205400000_sealed_payout_details) cannot
// seal in SQL (the key is the service's): on a database that already holds plain-text payout
// methods it stops, changing nothing, rather than drop them or keep them readable.
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrateDatabase } from '@runfleet/migrator';
import { createTestDatabase, type TestDatabase } from '@runfleet/test-infra';
import { Client } from 'pg';
import { MIGRATIONS_DIR } from '../../src/migrate';

jest.setTimeout(60_000);

const SEALING = '20261205400000_sealed_payout_details';
let db: TestDatabase;
let before: string;

beforeAll(async () => {
  db = await createTestDatabase('billing_sealing_migration');
  // the migrations before the sealing one, as a database deployed before it has them
  before = mkdtempSync(path.join(tmpdir(), 'billing-migrations-'));
  for (const entry of readdirSync(MIGRATIONS_DIR)) {
    if (entry.endsWith('.toml') || entry < SEALING) cpSync(path.join(MIGRATIONS_DIR, entry), path.join(before, entry), { recursive: true });
  }
});

afterAll(async () => {
  rmSync(before, { recursive: true, force: true });
  await db?.drop();
});

async function sql<T extends Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

it('stops on a database holding plain-text payout methods, and seals the column once there are none', async () => {
  await migrateDatabase(db.url, before);
  await sql(`INSERT INTO "payout_method" ("reseller_id", "kind", "details", "masked") VALUES (gen_random_uuid(), 'paypal', '{"email":"old@acme.example"}', 'o•••@acme.example')`);

  await expect(migrateDatabase(db.url, MIGRATIONS_DIR)).rejects.toThrow(/plain-text details/);
  expect(await sql(`SELECT "details"->>'email' AS "email" FROM "payout_method"`)).toEqual([{ email: 'old@acme.example' }]);

  await sql(`DELETE FROM "payout_method"`);
  await migrateDatabase(db.url, MIGRATIONS_DIR);
  const columns = await sql<{ column_name: string }>(`SELECT "column_name" FROM information_schema.columns WHERE "table_name" = 'payout_method' ORDER BY 1`);
  expect(columns.map((c) => c.column_name)).toContain('sealed_details');
  expect(columns.map((c) => c.column_name)).not.toContain('details');
});
