// Every route of the notifications service, mounted behind the signed-principal check; each area
// declares its routes with `api.route` so they validate and document themselves.
import type { ApiRoutes } from '@runfleet/service-kit';
import type { AppDeps } from './app';
import { registerFeedRoutes } from './feed.routes';
import { registerPreferenceRoutes } from './preferences.routes';

export function registerRoutes(api: ApiRoutes, deps: AppDeps): void {
  const useCaseDeps = { prisma: deps.prisma, now: deps.now ?? (() => new Date()) };
  registerFeedRoutes(api, {
    ...useCaseDeps,
    stream: { pollMs: deps.feedStream?.pollMs ?? 1_000, heartbeatMs: deps.feedStream?.heartbeatMs ?? 5_000, stopping: () => deps.health.shuttingDown },
  });
  registerPreferenceRoutes(api, useCaseDeps);
}
