// Every route of the notifications service, mounted behind the signed-principal check; each area
// declares its routes with `api.route` so they validate and document themselves.
import type { ApiRoutes } from '@runfleet/service-kit';
import type { WebhookDeps } from '../domain/use-case-deps';
import type { AppDeps } from './app';
import { registerFeedRoutes } from './feed.routes';
import { registerPreferenceRoutes } from './preferences.routes';
import { registerWebhookDeliveryRoutes } from './webhook-deliveries.routes';
import { registerWebhookEndpointRoutes } from './webhook-endpoints.routes';

export function registerRoutes(api: ApiRoutes, deps: AppDeps, webhooks: WebhookDeps): void {
  const useCaseDeps = { prisma: deps.prisma, now: deps.now ?? (() => new Date()) };
  registerFeedRoutes(api, {
    ...useCaseDeps,
    stream: { pollMs: deps.feedStream?.pollMs ?? 1_000, heartbeatMs: deps.feedStream?.heartbeatMs ?? 5_000, stopping: () => deps.health.shuttingDown },
  });
  registerPreferenceRoutes(api, useCaseDeps);
  registerWebhookEndpointRoutes(api, webhooks);
  registerWebhookDeliveryRoutes(api, webhooks);
}
