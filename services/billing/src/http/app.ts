// The billing service's HTTP app (no listen): the kit's app with this service's routes (wallets, their ledger and credits, price lists).
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
}

export function buildApp(deps: AppDeps): Express {
  return createHttpApp({
    service: 'billing',
    logger: deps.logger,
    metrics: deps.metrics,
    health: deps.health,
    principalSecret: deps.principalSecret,
    apiInfo: {
      title: 'Runfleet billing service',
      version: '1.0.0',
      description: 'Wallets, their append-only ledger, top-ups and price lists (see docs/api.md).',
    },
    routes: (router, api) => registerRoutes(router, api, deps),
  });
}
