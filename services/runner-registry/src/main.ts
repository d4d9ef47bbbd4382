// Composition root of the runner-registry service: config → logger → database, Redis (heartbeats)
// → broker → http; graceful stop.
import { Redis } from 'ioredis';
import {
  amqpCheck,
  createHealth,
  createLogger,
  createMetrics,
  listen,
  redisCheck,
  runService,
  sqlCheck,
} from '@runfleet/service-kit';
import { connectAmqp } from '@runfleet/messaging';
import { readConfig } from './config';
import { createPrisma } from './db';
import { buildApp } from './http/app';

const config = readConfig();
const logger = createLogger({ service: 'runner-registry', level: config.LOG_LEVEL });

void runService({
  name: 'runner-registry',
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: async () => {
    const prisma = createPrisma(config.DATABASE_URL, { onPoolError: (err) => logger.warn({ err }, 'database connection lost') });
    // Commands fail fast while Redis is down instead of queueing without bound (DESIGN.md §6).
    const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
    redis.on('error', (err) => logger.warn({ err }, 'redis error'));
    await redis.connect().catch((err: unknown) => logger.warn({ err }, 'redis not reachable yet; retrying'));
    const amqp = connectAmqp({ url: config.AMQP_URL, logger, name: 'runner-registry' });
    const metrics = createMetrics('runner-registry');
    const health = createHealth([
      sqlCheck(() => prisma.$queryRaw`SELECT 1`),
      redisCheck(() => redis.ping()),
      amqpCheck(() => amqp.isConnected()),
    ]);
    const app = buildApp({ prisma, logger, metrics, health, principalSecret: config.PRINCIPAL_SECRET });
    const server = await listen(app, config.PORT);
    return {
      server,
      health,
      close: async () => {
        await amqp.close();
        redis.disconnect();
        await prisma.$disconnect();
      },
    };
  },
});
