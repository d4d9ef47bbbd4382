// The notifications service's HTTP app (no listen): the kit's app with this service's routes
// (in-app feed, email preferences; webhook endpoints and deliveries in their own files).
import type { Express } from 'express';
import { createHttpApp, type Health, type Logger, type Metrics } from '@runfleet/service-kit';
import type { PrismaClient } from '../db';
import { registerRoutes } from './routes';

export interface AppDeps {
  prisma: PrismaClient;
  logger: Logger;
  metrics: Metrics;
  health: Health;
  principalSecret: string;
  /** the clock use cases read; tests move it */
  now?: () => Date;
  /** live feed streams' poll and heartbeat intervals (default 1 s and 5 s) */
  feedStream?: { pollMs?: number; heartbeatMs?: number };
}

export function buildApp(deps: AppDeps): Express {
  return createHttpApp({
    service: 'notifications',
    logger: deps.logger,
    metrics: deps.metrics,
    health: deps.health,
    principalSecret: deps.principalSecret,
    apiInfo: {
      title: 'Runfleet notifications service',
      version: '1.0.0',
      description: 'In-app feed (also live, as Server-Sent Events) and email preferences (see docs/api.md).',
    },
    routes: (_router, api) => registerRoutes(api, deps),
  });
}
