// Composition root of the runner-registry service: config → logger → database, Redis (heartbeats,
// claim wake-ups) → messaging (relay, consumers) → sweeper → http; graceful stop.
import { Redis } from 'ioredis';
import { createLogger, createMetrics, keepWasmOnBaselineCompiler, listen, runService } from '@runfleet/service-kit';
import { pruneIdempotencyKeys } from '@runfleet/idempotency';
import { createMessaging, pgExecutor, pgTransactions } from '@runfleet/messaging';
import { readConfig } from './config';
import { registryHealth } from './readiness';
import { createDatabase } from './db';
import { wakingRelayAfterCommits } from './data/outbox.repository';
import { HeartbeatStore } from './data/heartbeat.store';
import { QueuedJobChannel } from './data/queued-job-channel';
import { ClaimWaiters } from './domain/claim-waiters';
import { sweepRunners, type SweepDeps } from './domain/sweep-runners';
import { buildApp, type AppDeps } from './http/app';
import { consumeAccounts } from './messaging/accounts.consumer';
import { consumeHolds } from './messaging/holds.consumer';

// before Prisma compiles its query compiler (packages/service-kit/src/wasm-memory.ts)
keepWasmOnBaselineCompiler();

const config = readConfig();
const logger = createLogger({ service: 'runner-registry', level: config.LOG_LEVEL });
const now = () => new Date();

void runService({
  name: 'runner-registry',
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: async () => {
    const database = createDatabase(config.DATABASE_URL, { onPoolError: (err) => logger.warn({ err }, 'database connection lost') });
    // Commands fail fast while Redis is down instead of queueing without bound (DESIGN.md §6).
    // Auto-pipelining: commands issued in the same tick (concurrent heartbeats) share one write.
    const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true, enableAutoPipelining: true });
    redis.on('error', (err) => logger.warn({ err }, 'redis error'));
    await redis.connect().catch((err: unknown) => logger.warn({ err }, 'redis not reachable yet; retrying'));
    // A subscribed connection queues its SUBSCRIBE until Redis is back, and ioredis re-subscribes after reconnects.
    const subscriber = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: true });
    subscriber.on('error', (err) => logger.warn({ err }, 'redis subscriber error'));
    const metrics = createMetrics('runner-registry');
    const messaging = createMessaging({
      service: 'runner-registry',
      amqpUrl: config.AMQP_URL,
      databaseUrl: config.DATABASE_URL,
      logger,
      registry: metrics.registry,
    });
    // Every event is written to outbox_event in the transaction of its state change; the relay
    // publishes those rows (DESIGN.md §6), woken right after each commit.
    messaging.startRelay();
    const prisma = wakingRelayAfterCommits(database.prisma, () => messaging.outboxCommitted());
    const waiters = new ClaimWaiters();
    const queuedJobs = new QueuedJobChannel({ redis, subscriber, keyPrefix: config.REDIS_KEY_PREFIX, waiters, logger });
    await queuedJobs.start();
    // The reseller's customers and projects (read model), and billing's verdicts on holds (DESIGN.md §4).
    await consumeAccounts(messaging, { prisma });
    await consumeHolds(messaging, { now, queuedJobs });
    const heartbeats = new HeartbeatStore(redis, config.REDIS_KEY_PREFIX);
    // The sweeper runs twice per heartbeat interval on every replica; the pass's advisory lock
    // lets one decide at a time (the others skip), so a runner goes stale at most half an interval late.
    const sweepDeps: SweepDeps = {
      prisma,
      now,
      heartbeats,
      queuedJobs,
      liveness: {
        intervalMs: config.HEARTBEAT_INTERVAL_SECONDS * 1000,
        staleAfterMissed: config.STALE_AFTER_MISSED,
        offlineAfterMissed: config.OFFLINE_AFTER_MISSED,
      },
      assignmentLeaseMs: config.ASSIGNMENT_LEASE_SECONDS * 1000,
      ...(config.NO_COMPATIBLE_RUNNER === 'queue' ? { maxQueueMs: config.MAX_QUEUE_SECONDS * 1000 } : {}),
    };
    let sweeping: Promise<unknown> | null = null;
    const sweeper = setInterval(() => {
      if (sweeping) return;
      sweeping = sweepRunners(sweepDeps)
        .catch((err: unknown) => logger.warn({ err }, 'runner sweep failed; will retry at the next interval'))
        .finally(() => {
          sweeping = null;
        });
    }, (config.HEARTBEAT_INTERVAL_SECONDS * 1000) / 2);
    sweeper.unref();
    // Idempotency-Keys of submitted jobs are kept 30 days (packages/idempotency); forget older ones
    // hourly, a chunk per autocommitted statement. Replicas pruning together skip each other's rows.
    const keySweep = setInterval(() => {
      pruneIdempotencyKeys(pgExecutor(database.pool)).catch((err: unknown) => logger.warn({ err }, 'idempotency key prune failed; will retry at the next interval'));
    }, 3600_000);
    keySweep.unref();
    const health = registryHealth({ prisma, redis, brokerConnected: () => messaging.isConnected() });
    const app = buildApp({
      prisma,
      transactions: messaging.transactions(pgTransactions(database.pool)) as AppDeps['transactions'],
      logger,
      metrics,
      health,
      principalSecret: config.PRINCIPAL_SECRET,
      tokenPepper: config.RUNNER_TOKEN_PEPPER,
      waiters,
      queuedJobs,
      jobPolicy: {
        maxAttempts: config.JOB_MAX_ATTEMPTS,
        defaultTimeoutSeconds: config.JOB_DEFAULT_TIMEOUT_SECONDS,
        noCompatibleRunner: config.NO_COMPATIBLE_RUNNER,
      },
      claimMaxWaitSeconds: config.CLAIM_MAX_WAIT_SECONDS,
      heartbeats,
      heartbeatIntervalSeconds: config.HEARTBEAT_INTERVAL_SECONDS,
      staleAfterMissed: config.STALE_AFTER_MISSED,
      now,
    });
    const server = await listen(app, config.PORT);
    logger.info({ port: config.PORT }, 'runner-registry listening');
    return {
      server,
      health,
      close: async () => {
        clearInterval(sweeper);
        clearInterval(keySweep);
        await sweeping;
        // Long-polling claims answer 204 now rather than hold the shutdown for up to 30 s.
        waiters.close();
        await messaging.close();
        subscriber.disconnect();
        redis.disconnect();
        await prisma.$disconnect();
      },
    };
  },
});
