// The billing service's HTTP app (no listen): the kit's app with this service's routes (wallets, ledger, holds, pricing, invoices, commissions, payouts).
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
    service: 'billing',
    logger: deps.logger,
    metrics: deps.metrics,
    health: deps.health,
    principalSecret: deps.principalSecret,
    // The billing API (wallets, ledger, holds, pricing, invoices, commissions, payouts) is built in its own issue; until then only health, metrics and /openapi.json answer.
    routes: () => undefined,
  });
}
