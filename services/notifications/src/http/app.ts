// The notifications service's HTTP app (no listen): the kit's app with this service's routes
// (in-app feed, email preferences, webhook endpoints and deliveries).
import type { Express } from 'express';
import { createHttpApp, type Health, type Logger, type Metrics } from '@runfleet/service-kit';
import type { PrismaClient } from '../db';
import { SecretCipher, secretKeyFrom } from '../domain/secret-cipher';
import type { WebhookDeps } from '../domain/use-case-deps';
import { defaultWebhookPolicy } from '../domain/webhook-policy';
import { registerRoutes } from './routes';

export interface AppDeps {
  prisma: PrismaClient;
  logger: Logger;
  metrics: Metrics;
  health: Health;
  principalSecret: string;
  /** the clock use cases read; tests move it */
  now?: () => Date;
  /** live feed streams' poll and heartbeat intervals (default 1 s and 5 s) */
  feedStream?: { pollMs?: number; heartbeatMs?: number };
  /** webhook settings (main.ts: from config); defaults: the standard policy, secrets sealed under PRINCIPAL_SECRET, no dev flag */
  webhooks?: Partial<Omit<WebhookDeps, 'prisma'>>;
}

export function buildApp(deps: AppDeps): Express {
  const webhooks: WebhookDeps = {
    prisma: deps.prisma,
    now: deps.now ?? (() => new Date()),
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
      description: 'In-app feed (also live, as Server-Sent Events), email preferences and signed webhooks: endpoints, deliveries, replay (see docs/api.md and docs/webhooks.md).',
    },
    routes: (_router, api) => registerRoutes(api, deps, webhooks),
  });
}
