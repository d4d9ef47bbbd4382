// The reseller service's HTTP app (no listen): the kit's app with this service's routes.
import express, { type Express } from 'express';
import { createHttpApp, type Health, type Logger, type Metrics } from '@runfleet/service-kit';
import { mailTokenBox } from '../domain/one-time-token';
import type { AccountDeps, SessionPolicy } from '../domain/use-case-deps';
import type { Database, PrismaClient } from '../db';
import type { TierPolicy } from '../domain/tier-rules';
import { LastUsedRecorder } from '../domain/verify-api-key';
import { registerRoutes } from './routes';
import { verifyFastLane, type KeyVerification } from './verify-api-key.routes';
import { verifySessionFastLane, type SessionVerification } from './verify-session.routes';

export interface AppDeps {
  prisma: PrismaClient;
  /** the pool under `prisma` (createDatabase), for API key verification */
  pool: Database['pool'];
  logger: Logger;
  metrics: Metrics;
  health: Health;
  principalSecret: string;
  apiKeyPepper: string;
  /** the clock use cases read; tests move it */
  now?: () => Date;
  /** tier thresholds and bonuses (config TIER_*); defaults to the built-in ones */
  tierPolicy?: TierPolicy;
  /** session lifetimes (config SESSION_*); default 30 minutes idle, 12 hours absolute */
  sessions?: SessionPolicy;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 30 * 60_000, absoluteMs: 12 * 3600_000 };

/** What people's accounts need (issue 19): the sealing key of mailed tokens derives from PRINCIPAL_SECRET. */
export function accountDepsOf(deps: AppDeps): AccountDeps {
  return {
    prisma: deps.prisma,
    now: deps.now ?? (() => new Date()),
    apiKeyPepper: deps.apiKeyPepper,
    mailTokens: mailTokenBox(deps.principalSecret),
    sessions: deps.sessions ?? DEFAULT_SESSION_POLICY,
  };
}

export function buildApp(deps: AppDeps): Express {
  const verification: KeyVerification = {
    deps: { pool: deps.pool, apiKeyPepper: deps.apiKeyPepper, now: deps.now ?? (() => new Date()) },
    lastUsed: new LastUsedRecorder((err) => deps.logger.warn({ err }, 'could not record an API key’s last use')),
  };
  const sessionVerification: SessionVerification = { ...verification.deps, sessions: deps.sessions ?? DEFAULT_SESSION_POLICY };
  const app = createHttpApp({
    service: 'reseller',
    logger: deps.logger,
    metrics: deps.metrics,
    health: deps.health,
    principalSecret: deps.principalSecret,
    apiInfo: {
      title: 'Runfleet reseller service',
      version: '1.0.0',
      description: 'Resellers, customers, projects, API keys, providers, offerings, orders and tiers (see docs/api.md).',
    },
    routes: (router, api) => registerRoutes(router, api, deps, verification, sessionVerification),
  });
  // The gateway's key check answers ahead of the kit's full chain (see verifyFastLane); every
  // other request goes straight on to the kit's app.
  const front = express();
  front.disable('x-powered-by');
  front.disable('etag');
  front.use(verifyFastLane({ verification, principalSecret: deps.principalSecret, metrics: deps.metrics, logger: deps.logger }));
  front.use(verifySessionFastLane({ deps: sessionVerification, principalSecret: deps.principalSecret, metrics: deps.metrics, logger: deps.logger }));
  front.use(app);
  return front;
}
