// What the use cases are given by their entry points (routes, consumers, CLI): the database and a clock.
import type { PrismaClient } from '../db';

export interface UseCaseDeps {
  prisma: PrismaClient;
  /** read through this so tests can move time (expiry) */
  now: () => Date;
}

/** Token use cases also need the pepper tokens are hashed with (DESIGN.md §7). */
export interface TokenDeps extends UseCaseDeps {
  tokenPepper: string;
}

/** Job rules a deployment configures (config.ts). */
export interface JobPolicy {
  maxAttempts: number;
  defaultTimeoutSeconds: number;
  /**
   * DESIGN.md §10 fail fast: `submit` (default) refuses a job no online runner could take at
   * submission; `queue` lets it wait, and the sweeper fails it after the maximum queue time
   */
  noCompatibleRunner?: 'submit' | 'queue';
}
