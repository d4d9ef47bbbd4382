// Composition root of the notifications service: config → logger → database → messaging (relay)
// → webhook dispatcher → http; graceful stop.
import { amqpCheck, createHealth, createLogger, createMetrics, listen, runService, sqlCheck } from '@runfleet/service-kit';
import { createMessaging } from '@runfleet/messaging';
import { readConfig, webhookPolicy, webhookSecretKey } from './config';
import { createDatabase } from './db';
import { wakingRelayAfterCommits } from './data/outbox.repository';
import { WebhookDispatcher } from './delivery/webhook-dispatcher';
import { webhookMetrics } from './delivery/webhook-metrics';
import { WebhookSender } from './delivery/webhook-sender';
import { SecretCipher } from './domain/secret-cipher';
import type { WebhookDeps } from './domain/use-case-deps';
import { buildApp } from './http/app';

const config = readConfig();
const logger = createLogger({ service: 'notifications', level: config.LOG_LEVEL });
const now = () => new Date();

void runService({
  name: 'notifications',
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: async () => {
    const database = createDatabase(config.DATABASE_URL, { onPoolError: (err) => logger.warn({ err }, 'database connection lost') });
    const metrics = createMetrics('notifications');
    const messaging = createMessaging({
      service: 'notifications',
      amqpUrl: config.AMQP_URL,
      databaseUrl: config.DATABASE_URL,
      logger,
      registry: metrics.registry,
    });
    // webhook.endpoint_failing / _disabled are written to outbox_event with the state change that
    // causes them; the relay publishes them (DESIGN.md §6).
    messaging.startRelay();
    const prisma = wakingRelayAfterCommits(database.prisma, () => messaging.outboxCommitted());
    if (config.WEBHOOKS_ALLOW_INSECURE_LOOPBACK) {
      logger.warn('WEBHOOKS_ALLOW_INSECURE_LOOPBACK is set: webhooks may use http:// on loopback and reach loopback addresses (development only)');
    }
    const policy = webhookPolicy(config);
    const cipher = new SecretCipher(webhookSecretKey(config));
    const sender = new WebhookSender({ allowLoopback: config.WEBHOOKS_ALLOW_INSECURE_LOOPBACK, timeoutMs: config.WEBHOOK_TIMEOUT_MS });
    // Sends what the webhook channel (src/domain/webhook-channel.ts, called by the event consumer
    // inside its transaction) recorded, after commit; replicas share the work (SKIP LOCKED).
    const dispatcher = new WebhookDispatcher({
      pool: database.pool,
      sender,
      cipher,
      policy,
      logger,
      metrics: webhookMetrics(metrics.registry, database.pool, now),
      now,
      concurrency: config.WEBHOOK_CONCURRENCY,
      perEndpointConcurrency: config.WEBHOOK_ENDPOINT_CONCURRENCY,
      pollMs: config.WEBHOOK_POLL_MS,
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      outboxCommitted: () => messaging.outboxCommitted(),
    });
    dispatcher.start();
    const webhooks: Omit<WebhookDeps, 'prisma'> = {
      now,
      cipher,
      policy,
      allowInsecureLoopback: config.WEBHOOKS_ALLOW_INSECURE_LOOPBACK,
      deliveriesDue: () => dispatcher.poke(),
    };
    const health = createHealth([sqlCheck(() => prisma.$queryRaw`SELECT 1`), amqpCheck(() => messaging.isConnected())]);
    const app = buildApp({ prisma, logger, metrics, health, principalSecret: config.PRINCIPAL_SECRET, webhooks });
    const server = await listen(app, config.PORT);
    logger.info({ port: config.PORT }, 'notifications listening');
    return {
      server,
      health,
      close: async () => {
        // Attempts may run 15 s; half the shutdown budget is given to them, the rest to closing.
        await dispatcher.stop(config.SHUTDOWN_TIMEOUT_MS / 2);
        await sender.close();
        await messaging.close();
        await prisma.$disconnect();
      },
    };
  },
});
