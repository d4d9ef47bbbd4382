// The runner-registry service's HTTP app (no listen): the kit's app with this service's routes
// (registration tokens, runners, the runner API, jobs, the gateway's token verification).
import type { Express } from 'express';
import { createHttpApp, type Health, type Logger, type Metrics } from '@runfleet/service-kit';
import type { TransactionRunner } from '@runfleet/messaging';
import type { PrismaClient } from '../db';
import type { HeartbeatStore } from '../data/heartbeat.store';
import type { SqlClient } from '../data/runner-job.repository';
import { registryMetrics } from '../registry-metrics';
import type { ClaimWaiters } from '../domain/claim-waiters';
import type { QueuedJobAnnouncer } from '../domain/queued-job-notice';
import type { JobPolicy } from '../domain/use-case-deps';
import { registerRoutes } from './routes';

export interface AppDeps {
  prisma: PrismaClient;
  /**
   * transactions on the pool under `prisma`, for the runner API's hot path (pgTransactions; in
   * main.ts wrapped by messaging.transactions so each commit wakes the outbox relay)
   */
  transactions: TransactionRunner<SqlClient>;
  logger: Logger;
  metrics: Metrics;
  health: Health;
  principalSecret: string;
  /** pepper of the HMAC registration and runner tokens are stored as */
  tokenPepper: string;
  /** long-polling claims of this process */
  waiters: ClaimWaiters;
  /** tells waiting claims (here and on other replicas) about jobs queued by a committed transaction */
  queuedJobs: QueuedJobAnnouncer;
  jobPolicy: JobPolicy;
  claimMaxWaitSeconds: number;
  /** heartbeats in Redis, and the jobs cancelled under each runner */
  heartbeats: HeartbeatStore;
  heartbeatIntervalSeconds: number;
  /** missed intervals before a runner is stale (config STALE_AFTER_MISSED; default 2) */
  staleAfterMissed?: number;
  /** the clock use cases read; tests move it */
  now?: () => Date;
}

export function buildApp(deps: AppDeps): Express {
  const registry = registryMetrics(deps.metrics.registry, deps.prisma, deps.now);
  return createHttpApp({
    service: 'runner-registry',
    logger: deps.logger,
    metrics: deps.metrics,
    health: deps.health,
    principalSecret: deps.principalSecret,
    apiInfo: {
      title: 'Runfleet runner-registry service',
      version: '1.0.0',
      description: 'Registration tokens, runners, the runner API (claiming and reporting jobs) and jobs (see docs/api.md).',
    },
    routes: (router, api) => registerRoutes(router, api, deps, registry),
  });
}
