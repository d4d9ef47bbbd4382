// The reseller service's HTTP app (no listen): the kit's app with this service's routes.
import express, { type Express } from 'express';
import { createHttpApp, type Health, type Logger, type Metrics } from '@runfleet/service-kit';
import type { Database, PrismaClient } from '../db';
import type { TierPolicy } from '../domain/tier-rules';
import { LastUsedRecorder } from '../domain/verify-api-key';
import { registerRoutes } from './routes';
import { verifyFastLane, type KeyVerification } from './verify-api-key.routes';

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
}

export function buildApp(deps: AppDeps): Express {
  const verification: KeyVerification = {
    deps: { pool: deps.pool, apiKeyPepper: deps.apiKeyPepper, now: deps.now ?? (() => new Date()) },
    lastUsed: new LastUsedRecorder((err) => deps.logger.warn({ err }, 'could not record an API key’s last use')),
  };
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
    routes: (router, api) => registerRoutes(router, api, deps, verification),
  });
  // The gateway's key check answers ahead of the kit's full chain (see verifyFastLane); every
  // other request goes straight on to the kit's app.
  const front = express();
  front.disable('x-powered-by');
  front.disable('etag');
  front.use(verifyFastLane({ verification, principalSecret: deps.principalSecret, metrics: deps.metrics, logger: deps.logger }));
  front.use(app);
  return front;
}
