// Proving that a use case writes its outbox event and its state change in one transaction (issue 13
// item 9, DESIGN.md §6): deferred triggers make every transaction that wrote an outbox row (or, the
// other way round, any state row) fail at COMMIT — after everything the use case did — and a
// snapshot of every table shows that nothing it wrote survived. Any service with an `outbox_event`
// table can use it: run each use case that emits under refuseCommitsWriting and compare snapshots.
import { Client } from 'pg';

const FUNCTION = `
CREATE OR REPLACE FUNCTION runfleet_test_refuse_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'test: this transaction wrote to % and may not commit', TG_TABLE_NAME USING ERRCODE = 'P0001';
END $$;`;

/** Which transactions fail at COMMIT: those that wrote an outbox row, or those that wrote any other row. */
export type RefusedWrites = 'outbox' | 'state';

async function tablesOf(client: Client, which: RefusedWrites): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY 1`,
  );
  const names = rows.map((r) => r.name);
  return which === 'outbox' ? names.filter((n) => n === 'outbox_event') : names.filter((n) => n !== 'outbox_event');
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function withClient<T>(databaseUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Runs `fn` while every transaction that writes to the refused tables fails at its COMMIT — after
 * all its statements ran — and removes the triggers afterwards whatever happens. 'outbox': a state
 * change committed apart from its event survives and shows; 'state': an event committed apart
 * from its state change survives and shows. A use case passing both writes them together.
 */
export async function refuseCommitsWriting<T>(databaseUrl: string, which: RefusedWrites, fn: () => Promise<T>): Promise<T> {
  const tables = await withClient(databaseUrl, async (client) => {
    const names = await tablesOf(client, which);
    await client.query(FUNCTION);
    for (const name of names) {
      await client.query(
        `CREATE CONSTRAINT TRIGGER runfleet_test_refuse_commit AFTER INSERT OR UPDATE OR DELETE ON ${quote(name)}
         DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION runfleet_test_refuse_commit()`,
      );
    }
    return names;
  });
  try {
    return await fn();
  } finally {
    await withClient(databaseUrl, async (client) => {
      for (const name of tables) await client.query(`DROP TRIGGER IF EXISTS runfleet_test_refuse_commit ON ${quote(name)}`);
      await client.query('DROP FUNCTION IF EXISTS runfleet_test_refuse_commit()');
    });
  }
}

/**
 * A fingerprint of every table of the public schema (its rows, in a stable order), so two snapshots
 * differ if any row was inserted, updated or deleted in between. Prisma's migration bookkeeping is
 * left out.
 */
export async function snapshotTables(databaseUrl: string): Promise<Record<string, string>> {
  return withClient(databaseUrl, async (client) => {
    const { rows: tables } = await client.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY 1`,
    );
    const snapshot: Record<string, string> = {};
    for (const { name } of tables) {
      const quoted = quote(name);
      const { rows } = await client.query<{ n: string; digest: string | null }>(
        `SELECT count(*)::text AS n, md5(string_agg(t::text, ',' ORDER BY t::text)) AS digest FROM ${quoted} t`,
      );
      snapshot[name] = `${rows[0]!.n}:${rows[0]!.digest ?? ''}`;
    }
    return snapshot;
  });
}
