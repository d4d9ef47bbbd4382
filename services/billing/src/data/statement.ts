// Several writes in one round trip: each statement becomes a data-modifying CTE of one SQL statement
// (PostgreSQL runs them all, in one snapshot, whether or not the final SELECT reads them). The set-based
// job settlement writes wallets, ledger, holds and outbox this way: one round trip instead of four,
// which is most of a small batch's latency (docs/benchmarks.md, billing).
import { sqlOf, type Sql } from '../db';

export interface Statement {
  sql: string;
  params: unknown[];
}

/** Runs `statement`, or nothing when it is null (nothing to write). */
export async function run(db: Sql, statement: Statement | null): Promise<void> {
  if (statement) await sqlOf(db).query(statement.sql, statement.params);
}

/** One statement running every given one (null: nothing to write); their placeholders renumbered. */
export function combine(statements: readonly (Statement | null)[]): Statement | null {
  const parts = statements.filter((s): s is Statement => s !== null);
  if (parts.length <= 1) return parts[0] ?? null;
  const params: unknown[] = [];
  const ctes = parts.map((part, i) => {
    const offset = params.length;
    params.push(...part.params);
    return `w${i} AS (${part.sql.replace(/\$(\d+)/g, (_m, n: string) => `$${Number(n) + offset}`)})`;
  });
  return { sql: `WITH ${ctes.join(',\n')}\nSELECT 1`, params };
}
