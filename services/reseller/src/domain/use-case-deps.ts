// What the use cases are given by their entry points (routes, CLI, bench): the database and a clock.
import type { SealedBox } from '@runfleet/service-kit';
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

/** How long a signed-in session lives (config SESSION_IDLE_MINUTES, SESSION_ABSOLUTE_HOURS). */
export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
}

/**
 * People's accounts (issue 19): session and one-time tokens are stored as HMACs under the API key
 * pepper; one-time tokens travel to notifications sealed in `mailTokens` (see one-time-token.ts).
 */
export interface AccountDeps extends ApiKeyDeps {
  mailTokens: SealedBox;
  sessions: SessionPolicy;
}
