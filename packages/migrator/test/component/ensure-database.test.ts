import { Client } from 'pg';
import { PG_ADMIN_URL, createTestDatabase, type TestDatabase } from '@runfleet/test-infra';
import { ensureDatabase } from '../../src';

// createTestDatabase gives a unique name; the database under test is a sibling that does not exist yet.
let reserved: TestDatabase;
let missingUrl: string;
let missingName: string;

beforeEach(async () => {
  reserved = await createTestDatabase('ensure_db');
  missingName = `${reserved.name}_new`;
  const url = new URL(reserved.url);
  url.pathname = `/${missingName}`;
  missingUrl = url.toString();
});

afterEach(async () => {
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${missingName}" WITH (FORCE)`);
  await admin.end();
  await reserved.drop();
});

async function connectsTo(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
  await client.end();
  return rows[0]?.db === new URL(url).pathname.slice(1);
}

describe('ensureDatabase', () => {
  it('creates a missing database, and leaves an existing one alone', async () => {
    expect(await ensureDatabase(missingUrl)).toEqual({ created: true });
    expect(await connectsTo(missingUrl)).toBe(true);

    expect(await ensureDatabase(missingUrl)).toEqual({ created: false });
    expect(await ensureDatabase(reserved.url)).toEqual({ created: false });
  });

  it('lets several replicas ensure the same database at once, creating it once', async () => {
    const results = await Promise.all([ensureDatabase(missingUrl), ensureDatabase(missingUrl), ensureDatabase(missingUrl)]);

    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(await connectsTo(missingUrl)).toBe(true);
  });
});
