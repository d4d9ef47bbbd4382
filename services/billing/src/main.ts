// Composition root of the billing service: config → logger → database → broker → http; graceful stop.
import { amqpCheck, createHealth, createLogger, createMetrics, listen, runService, sqlCheck } from '@runfleet/service-kit';
import { connectAmqp } from '@runfleet/messaging';
import { readConfig } from './config';
import { createPrisma } from './db';
import { buildApp } from './http/app';

const config = readConfig();
const logger = createLogger({ service: 'billing', level: config.LOG_LEVEL });

void runService({
  name: 'billing',
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: async () => {
    const prisma = createPrisma(config.DATABASE_URL, { onPoolError: (err) => logger.warn({ err }, 'database connection lost') });
    const amqp = connectAmqp({ url: config.AMQP_URL, logger, name: 'billing' });
    const metrics = createMetrics('billing');
    const health = createHealth([sqlCheck(() => prisma.$queryRaw`SELECT 1`), amqpCheck(() => amqp.isConnected())]);
    const app = buildApp({ prisma, logger, metrics, health, principalSecret: config.PRINCIPAL_SECRET });
    const server = await listen(app, config.PORT);
    return {
      server,
      health,
      close: async () => {
        await amqp.close();
        await prisma.$disconnect();
      },
    };
  },
});
