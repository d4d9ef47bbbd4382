// Every route of the runner-registry service, mounted behind the signed-principal check; each area
// declares its routes with `api.route` so they validate and document themselves.
import type { Router } from 'express';
import type { ApiRoutes } from '@runfleet/service-kit';
import type { RegistryMetrics } from '../registry-metrics';
import type { AppDeps } from './app';
import { registerJobRoutes } from './jobs.routes';
import { registerRegistrationTokenRoutes } from './registration-tokens.routes';
import { registerRunnerSelfRoutes } from './runner-self.routes';
import { registerRunnerRoutes } from './runners.routes';
import { registerVerifyTokenRoutes } from './verify-tokens.routes';

export function registerRoutes(_router: Router, api: ApiRoutes, deps: AppDeps, metrics: RegistryMetrics): void {
  const useCaseDeps = {
    prisma: deps.prisma,
    transactions: deps.transactions,
    now: deps.now ?? (() => new Date()),
    tokenPepper: deps.tokenPepper,
    queuedJobs: deps.queuedJobs,
    waiters: deps.waiters,
    jobPolicy: deps.jobPolicy,
    claimMaxWaitSeconds: deps.claimMaxWaitSeconds,
    heartbeats: deps.heartbeats,
    heartbeatIntervalSeconds: deps.heartbeatIntervalSeconds,
    staleAfterMissed: deps.staleAfterMissed ?? 2,
    logger: deps.logger,
  };

  registerVerifyTokenRoutes(api, useCaseDeps);
  registerRegistrationTokenRoutes(api, useCaseDeps);
  // /v1/runners/me/… before /v1/runners/:runnerId, which would otherwise take `me` for an id
  registerRunnerSelfRoutes(api, { ...useCaseDeps, metrics });
  registerRunnerRoutes(api, useCaseDeps);
  registerJobRoutes(api, useCaseDeps);
}
