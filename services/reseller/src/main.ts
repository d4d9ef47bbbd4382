// Composition root of the reseller service: config → logger → database → messaging (relay, consumers) → http; graceful stop.
import { amqpCheck, createHealth, createLogger, createMetrics, listen, runService, sqlCheck } from '@runfleet/service-kit';
import { createMessaging } from '@runfleet/messaging';
import { readConfig } from './config';
import { createPrisma } from './db';
import { buildApp } from './http/app';

const config = readConfig();
const logger = createLogger({ service: 'reseller', level: config.LOG_LEVEL });

void runService({
  name: 'reseller',
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: async () => {
    const prisma = createPrisma(config.DATABASE_URL, { onPoolError: (err) => logger.warn({ err }, 'database connection lost') });
    const metrics = createMetrics('reseller');
    const messaging = createMessaging({
      service: 'reseller',
      amqpUrl: config.AMQP_URL,
      databaseUrl: config.DATABASE_URL,
      logger,
      registry: metrics.registry,
    });
    // Every event this service emits is written to outbox_event in the transaction of its state
    // change (src/data/outbox.repository.ts); the relay publishes those rows (DESIGN.md §6).
    messaging.startRelay();
    const health = createHealth([
      sqlCheck(() => prisma.$queryRaw`SELECT 1`),
      amqpCheck(() => messaging.isConnected()),
    ]);
    const app = buildApp({
      prisma,
      logger,
      metrics,
      health,
      principalSecret: config.PRINCIPAL_SECRET,
      apiKeyPepper: config.API_KEY_PEPPER,
    });
    const server = await listen(app, config.PORT);
    logger.info({ port: config.PORT }, 'reseller listening');
    return {
      server,
      health,
      close: async () => {
        await messaging.close();
        await prisma.$disconnect();
      },
    };
  },
});
