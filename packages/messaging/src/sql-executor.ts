// The smallest SQL surface the outbox and the inbox need, so the same code runs inside a Prisma
// interactive transaction (services' state) and inside a plain pg transaction (relay, consumers).
import type { ClientBase, Pool, PoolClient } from 'pg';

export interface SqlExecutor {
  // Rows are whatever the statement returns; callers name the columns they select.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(sql: string, params: unknown[]): Promise<{ rows: any[] }>;
}

/**
 * What `prismaExecutor` needs from a Prisma transaction client, typed structurally so this package
 * never imports a service's generated client.
 */
export interface PrismaRawQueries {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

/** Runs SQL on the connection of a Prisma interactive transaction (`prisma.$transaction(async (tx) => …)`). */
export function prismaExecutor(tx: PrismaRawQueries): SqlExecutor {
  return {
    async query(sql, params) {
      // $queryRawUnsafe also runs INSERT/UPDATE/DELETE on PostgreSQL; it returns RETURNING rows or [].
      const rows = await tx.$queryRawUnsafe<unknown>(sql, ...params);
      return { rows: Array.isArray(rows) ? rows : [] };
    },
  };
}

/** Runs SQL on a pg client (or pool: then each statement may use a different connection). */
export function pgExecutor(client: Pick<ClientBase, 'query'>): SqlExecutor {
  return {
    async query(sql, params) {
      const result = await client.query(sql, params);
      return { rows: result.rows };
    },
  };
}

/**
 * Opens one transaction and hands it to `fn` as `tx` (the service's own client type) and as a
 * SqlExecutor; commits when `fn` resolves, rolls back when it throws. Consumers are given one of these.
 */
export type TransactionRunner<TTx> = <T>(fn: (tx: TTx, sql: SqlExecutor) => Promise<T>) => Promise<T>;

/**
 * Checks out a pooled client that cannot crash the process: when its connection dies while checked
 * out, pg rejects the running query *and* emits 'error' on the client, which unlistened would throw.
 * `release(err)` with an error destroys the client instead of returning it to the pool.
 */
export async function checkOut(pool: Pool): Promise<{ client: PoolClient; release(broken?: Error): void }> {
  const client = await pool.connect();
  const ignore = () => undefined;
  client.on('error', ignore);
  return {
    client,
    release(broken) {
      // A broken client is being destroyed and may still emit errors: keep ignoring them.
      if (!broken) client.off('error', ignore);
      client.release(broken);
    },
  };
}

/**
 * Runs `deleteChunk(chunk)` until it deletes fewer than `chunk` rows (nothing more to delete) or
 * `shouldStop()` says so between chunks; returns the rows deleted. Retention pruning deletes in
 * chunks so no statement locks a whole day's rows at once.
 */
export async function deleteInChunks(
  deleteChunk: (chunk: number) => Promise<number>,
  chunk: number,
  shouldStop: () => boolean = () => false,
): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteChunk(chunk);
    total += deleted;
    if (deleted < chunk || shouldStop()) return total;
  }
}

/**
 * Rolls back the client's open transaction. Resolves with the error when the connection itself is
 * gone or unusable: pass it to `release` so the client is destroyed, never handed to the next caller.
 */
export async function rollBack(client: PoolClient): Promise<Error | undefined> {
  try {
    await client.query('ROLLBACK');
    return undefined;
  } catch (rollbackError) {
    return rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
  }
}

/** A TransactionRunner over a pg Pool: BEGIN … COMMIT on one pooled client. */
export function pgTransactions(pool: Pool): TransactionRunner<PoolClient> {
  return async (fn) => {
    const { client, release } = await checkOut(pool);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await fn(client, pgExecutor(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      broken = await rollBack(client);
      throw err;
    } finally {
      release(broken);
    }
  };
}

/** What `prismaTransactions` needs from a PrismaClient, typed structurally. */
export interface PrismaTransactionStarter<TTx> {
  $transaction<R>(fn: (tx: TTx) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R>;
}

/**
 * A TransactionRunner over a PrismaClient, for consumers whose handlers write through Prisma:
 * the handler gets the interactive transaction client as `tx` and the same connection as `sql`.
 */
export function prismaTransactions<TTx extends PrismaRawQueries>(
  prisma: PrismaTransactionStarter<TTx>,
  options: { maxWait?: number; timeout?: number } = { maxWait: 5_000, timeout: 30_000 },
): TransactionRunner<TTx> {
  return (fn) => prisma.$transaction((tx) => fn(tx, prismaExecutor(tx)), options);
}
