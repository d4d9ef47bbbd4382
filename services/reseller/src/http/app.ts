// The reseller service's HTTP app (no listen): the kit's app with this service's routes.
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
  apiKeyPepper: string;
}

export function buildApp(deps: AppDeps): Express {
  return createHttpApp({
    service: 'reseller',
    logger: deps.logger,
    metrics: deps.metrics,
    health: deps.health,
    principalSecret: deps.principalSecret,
    routes: (router) => registerRoutes(router, deps),
  });
}
