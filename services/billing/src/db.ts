// The billing service's database client: Prisma Client over node-postgres (Prisma 7 driver adapter).
import { PrismaPg } from '@prisma/adapter-pg';
import { databasePoolConfig, type DatabasePoolOptions } from '@runfleet/service-kit';
import { PrismaClient, type Prisma } from './generated/prisma/client';

export { Prisma, PrismaClient } from './generated/prisma/client';
export type { Hold, IdempotencyKey, InboxMessage, LedgerEntry, OrderPayment, OutboxEvent, PriceList, Wallet } from './generated/prisma/client';

/** The client, or the transaction client `$transaction(async (tx) => …)` hands out; repositories accept either. */
export type Db = PrismaClient | Prisma.TransactionClient;

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
