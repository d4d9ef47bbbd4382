// The producer half of the transactional outbox (DESIGN.md §6, STYLE.md habit 3): event rows are
// written with the caller's executor, so they commit or roll back together with the state change.
import type { Envelope } from '@runfleet/contracts';
import type { SqlExecutor } from './sql-executor';

// unnest() keeps this one statement with three parameters however many events there are,
// which matters for the 100-events-per-transaction path and stays within Prisma's parameter limits.
const INSERT_OUTBOX = `INSERT INTO "outbox_event" ("id", "type", "envelope")
SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[])`;

/**
 * Inserts the envelopes into `outbox_event` (one multi-row INSERT) using the transaction the caller
 * is already in. Build them with `buildEnvelope`, which validates their data.
 */
export async function writeOutbox(sql: SqlExecutor, envelopes: readonly Envelope[]): Promise<void> {
  if (envelopes.length === 0) return;
  await sql.query(INSERT_OUTBOX, [
    envelopes.map((e) => e.id),
    envelopes.map((e) => e.type),
    envelopes.map((e) => JSON.stringify(e)),
  ]);
}
