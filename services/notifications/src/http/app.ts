// The notifications service's HTTP app (no listen): the kit's app with this service's routes
// (webhook endpoints and deliveries; email preferences and the feed come with their own work).
import type { Express } from 'express';
import { createHttpApp, type Health, type Logger, type Metrics } from '@runfleet/service-kit';
import type { PrismaClient } from '../db';
import { SecretCipher, secretKeyFrom } from '../domain/secret-cipher';
import type { WebhookDeps } from '../domain/use-case-deps';
import { defaultWebhookPolicy } from '../domain/webhook-policy';
import { registerWebhookDeliveryRoutes } from './webhook-deliveries.routes';
import { registerWebhookEndpointRoutes } from './webhook-endpoints.routes';

export interface AppDeps {
  prisma: PrismaClient;
  logger: Logger;
  metrics: Metrics;
  health: Health;
  principalSecret: string;
  /** webhook settings (main.ts: from config); defaults: the standard policy, secrets sealed under PRINCIPAL_SECRET, no dev flag */
  webhooks?: Partial<Omit<WebhookDeps, 'prisma'>>;
}

export function buildApp(deps: AppDeps): Express {
  const webhooks: WebhookDeps = {
    prisma: deps.prisma,
    now: () => new Date(),
    cipher: new SecretCipher(secretKeyFrom(deps.principalSecret)),
    policy: defaultWebhookPolicy(),
    allowInsecureLoopback: false,
    ...deps.webhooks,
  };
  return createHttpApp({
    service: 'notifications',
    logger: deps.logger,
    metrics: deps.metrics,
    health: deps.health,
    principalSecret: deps.principalSecret,
    apiInfo: {
      title: 'Runfleet notifications service',
      version: '1.0.0',
      description: 'Signed webhooks: endpoints, deliveries, replay (see docs/api.md and docs/webhooks.md).',
    },
    routes: (_router, api) => {
      registerWebhookEndpointRoutes(api, webhooks);
      registerWebhookDeliveryRoutes(api, webhooks);
    },
  });
}
