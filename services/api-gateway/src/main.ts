// Composition root of the API gateway: config → logger → Redis → broker → app → revocation and
// access-change consumers; graceful stop (DESIGN.md §6, §9). No database: Redis holds the principal cache, the
// rate-limit counters and the idempotency records.
import { Redis } from 'ioredis';
import { connectAmqp } from '@runfleet/messaging';
import { createLogger, listen, runService } from '@runfleet/service-kit';
import { readConfig } from './config';
import { buildGateway } from './http/app';
import { AccessChangesConsumer } from './messaging/access-changes.consumer';
import { ApiKeyRevokedConsumer } from './messaging/apikey-revoked.consumer';
import { createRedis } from './redis';

const config = readConfig();
const logger = createLogger({ service: 'api-gateway', level: config.LOG_LEVEL });

void runService({
  name: 'api-gateway',
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: async () => {
    const redis: Redis = createRedis(config.REDIS_URL, logger);
    const amqp = connectAmqp({ url: config.AMQP_URL, logger, name: 'api-gateway' });
    const gateway = buildGateway({ config, logger, redis, amqpConnected: () => amqp.isConnected() });
    // Not awaited: the gateway serves (and reports not-ready) while the broker is still coming up.
    const revocations = new ApiKeyRevokedConsumer({ connection: amqp, dropCredential: (keyId) => gateway.dropCredential(keyId), logger });
    void revocations.start().then(() => logger.info({ queue: revocations.topology.queue }, 'consuming key revocations'));
    const accessChanges = new AccessChangesConsumer({
      connection: amqp,
      dropCredential: (keyId) => gateway.dropCredential(keyId),
      dropCredentialsOf: (owner) => gateway.dropCredentialsOf(owner),
      logger,
    });
    void accessChanges.start().then(() => logger.info({ queue: accessChanges.topology.queue }, 'consuming access changes'));
    const server = await listen(gateway.handler, config.PORT);
    const metricsServer = await listen(gateway.metricsHandler, config.METRICS_PORT);
    logger.info({ port: config.PORT, metricsPort: config.METRICS_PORT }, 'api-gateway listening');
    // Longer than any load balancer's idle timeout would be wrong; shorter than the client's makes resets.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    return {
      server,
      health: gateway.health,
      close: async () => {
        // A scrape in progress is cut short: the process is going away, and its last numbers with it.
        metricsServer.closeAllConnections();
        await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
        await revocations.close();
        await accessChanges.close();
        await amqp.close();
        await gateway.close();
        redis.disconnect();
      },
    };
  },
});
