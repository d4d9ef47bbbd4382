// The notifications service's HTTP app (no listen): the kit's app with this service's routes (email, signed webhooks, in-app feed).
import type { Express } from 'express';
import { createHttpApp, type Health, type Logger, type Metrics } from '@runfleet/service-kit';
import type { PrismaClient } from '../db';

export interface AppDeps {
  prisma: PrismaClient;
  logger: Logger;
  metrics: Metrics;
  health: Health;
  principalSecret: string;
}

export function buildApp(deps: AppDeps): Express {
  return createHttpApp({
    service: 'notifications',
    logger: deps.logger,
    metrics: deps.metrics,
    health: deps.health,
    principalSecret: deps.principalSecret,
    // The notifications API (email, signed webhooks, in-app feed) is built in its own issue; until then only health, metrics and /openapi.json answer.
    routes: () => undefined,
  });
}
