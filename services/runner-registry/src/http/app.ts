// The runner-registry service's HTTP app (no listen): the kit's app with this service's routes (runners, registration tokens, heartbeats, jobs and their scheduling).
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
    service: 'runner-registry',
    logger: deps.logger,
    metrics: deps.metrics,
    health: deps.health,
    principalSecret: deps.principalSecret,
    // The runner-registry API (runners, registration tokens, heartbeats, jobs and their scheduling) is built in its own issue; until then only health, metrics and /openapi.json answer.
    routes: () => undefined,
  });
}
