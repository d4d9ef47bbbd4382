// The runner-registry service's database client: Prisma Client over node-postgres (Prisma 7 driver adapter).
import { PrismaPg } from '@prisma/adapter-pg';
import { databasePoolConfig, type DatabasePoolOptions } from '@runfleet/service-kit';
import { PrismaClient, type Prisma } from './generated/prisma/client';

export { Prisma, PrismaClient } from './generated/prisma/client';
export type { InboxMessage, OutboxEvent } from './generated/prisma/client';

/** The client, or the transaction client `$transaction(async (tx) => …)` hands out; repositories accept either. */
export type Db = PrismaClient | Prisma.TransactionClient;

export type CreatePrismaOptions = DatabasePoolOptions;

export function createPrisma(databaseUrl: string, options: CreatePrismaOptions = {}): PrismaClient {
  const adapter = new PrismaPg(
    databasePoolConfig('runner-registry', databaseUrl, options),
    options.onPoolError ? { onPoolError: options.onPoolError } : undefined,
  );
  return new PrismaClient({ adapter });
}
