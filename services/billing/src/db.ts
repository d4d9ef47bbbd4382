// The billing service's database client: Prisma Client over node-postgres (Prisma 7 driver adapter).
import { PrismaPg } from '@prisma/adapter-pg';
import { prismaExecutor, type SqlExecutor } from '@runfleet/messaging';
import { databasePoolConfig, type DatabasePoolOptions } from '@runfleet/service-kit';
import { PrismaClient, type Prisma } from './generated/prisma/client';

export { Prisma, PrismaClient } from './generated/prisma/client';
export type { Hold, IdempotencyKey, InboxMessage, LedgerEntry, OrderPayment, OutboxEvent, PriceList, Wallet } from './generated/prisma/client';

/** The client, or the transaction client `$transaction(async (tx) => …)` hands out; repositories accept either. */
export type Db = PrismaClient | Prisma.TransactionClient;

/**
 * A Prisma client or transaction, or a plain SQL connection (a consumer's pg transaction): what the
 * job saga's repositories accept, so billing.jobs can run its batches on node-postgres directly —
 * a statement through Prisma costs several times a bare round trip (docs/benchmarks.md, billing).
 */
export type Sql = Db | SqlExecutor;

export function sqlOf(db: Sql): SqlExecutor {
  return 'query' in db && typeof db.query === 'function' ? db : prismaExecutor(db as Db);
}

/** A BIGINT column as pg (a string) or Prisma (a bigint) returns it. */
export function bigintOf(value: unknown): bigint {
  return typeof value === 'bigint' ? value : BigInt(value as string | number);
}

export type CreatePrismaOptions = DatabasePoolOptions;

export function createPrisma(databaseUrl: string, options: CreatePrismaOptions = {}): PrismaClient {
  const adapter = new PrismaPg(
    databasePoolConfig('billing', databaseUrl, options),
    options.onPoolError ? { onPoolError: options.onPoolError } : undefined,
  );
  return new PrismaClient({ adapter });
}

/**
 * Options of every money transaction: money moves under a wallet row lock, so under a burst
 * (200 concurrent holds on one wallet) a transaction may wait for a pooled connection and for the
 * lock far longer than Prisma's 2 s default before it starts.
 */
export const MONEY_TRANSACTION = { maxWait: 30_000, timeout: 30_000 } as const;
