// The notifications service's database client: Prisma Client over node-postgres (Prisma 7 driver adapter).
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { databasePoolConfig, type DatabasePoolOptions } from '@runfleet/service-kit';
import { PrismaClient, type Prisma } from './generated/prisma/client';

export { Prisma, PrismaClient } from './generated/prisma/client';
export type { InboxMessage, OutboxEvent } from './generated/prisma/client';

/** The client, or the transaction client `$transaction(async (tx) => …)` hands out; repositories accept either. */
export type Db = PrismaClient | Prisma.TransactionClient;

export type CreatePrismaOptions = DatabasePoolOptions;

/** The Prisma client and the node-postgres pool under it: one set of connections for both. */
export interface Database {
  prisma: PrismaClient;
  /**
   * For the webhook dispatcher's hot statements (claiming due deliveries, recording attempts in
   * batches), where Prisma's per-query overhead would dominate. Ended by prisma.$disconnect().
   */
  pool: Pool;
}

export function createDatabase(databaseUrl: string, options: CreatePrismaOptions = {}): Database {
  const pool = new Pool(databasePoolConfig('notifications', databaseUrl, options));
  const adapter = new PrismaPg(pool, {
    disposeExternalPool: true,
    ...(options.onPoolError ? { onPoolError: options.onPoolError } : {}),
  });
  return { prisma: new PrismaClient({ adapter }), pool };
}

export function createPrisma(databaseUrl: string, options: CreatePrismaOptions = {}): PrismaClient {
  return createDatabase(databaseUrl, options).prisma;
}
