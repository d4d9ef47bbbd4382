// What the use cases are given by their entry points (routes, CLI, bench): the database and a clock.
import type { PrismaClient } from '../db';
import type { SqlQueryable } from '../data/api-key.repository';

export interface UseCaseDeps {
  prisma: PrismaClient;
  /** read through this so tests can move time (expiry, grace periods) */
  now: () => Date;
}

/** The API-key use cases also need the pepper the keys are hashed with (DESIGN.md §7). */
export interface ApiKeyDeps extends UseCaseDeps {
  apiKeyPepper: string;
}

/** Key verification, the gateway's hot path, reads through the pool directly (see db.ts). */
export interface VerifyDeps {
  pool: SqlQueryable;
  apiKeyPepper: string;
  now: () => Date;
}
