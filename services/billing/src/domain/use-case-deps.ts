// What the use cases are given by their entry points (routes, consumers, CLI): the database, a
// clock, and the hold policy.
import type { PrismaClient } from '../db';

export interface UseCaseDeps {
  prisma: PrismaClient;
  /** read through this so tests can move time (hold expiry, price versions) */
  now: () => Date;
}

export interface HoldPolicy {
  /** an unposted hold expires this long after it was placed (config HOLD_TTL_MS) */
  holdTtlMs: number;
}
