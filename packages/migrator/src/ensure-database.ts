// Creates a service's database on first deploy, so `node dist/migrate.js` works on an empty server.
import { Client, DatabaseError } from 'pg';
import { databaseNameOf } from './database-url';

const INVALID_CATALOG_NAME = '3D000';
const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505';

/**
 * Makes sure the database named in `databaseUrl` exists, creating it (through the `postgres`
 * database of the same server, same credentials) when it does not. Returns whether it created it.
 * Safe to run from several replicas at once.
 */
export async function ensureDatabase(databaseUrl: string): Promise<{ created: boolean }> {
  const name = databaseNameOf(databaseUrl);
  // Try the database itself first: in production the service's role may own its database
  // without being allowed into `postgres`.
  if (await canConnect(databaseUrl)) return { created: false };

  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  const admin = new Client({ connectionString: adminUrl.toString(), application_name: 'runfleet-migrator' });
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
    return { created: true };
  } catch (error) {
    // Another replica created it between our check and our CREATE.
    if (error instanceof DatabaseError && (error.code === DUPLICATE_DATABASE || error.code === UNIQUE_VIOLATION)) {
      return { created: false };
    }
    throw error;
  } finally {
    await admin.end().catch(() => undefined);
  }
}

async function canConnect(databaseUrl: string): Promise<boolean> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'runfleet-migrator' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch (error) {
    if (error instanceof DatabaseError && error.code === INVALID_CATALOG_NAME) return false;
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
