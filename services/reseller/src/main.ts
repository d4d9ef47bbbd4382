// Composition root of the reseller service: config → logger → database → messaging (relay, consumers) → http; graceful stop.
import { amqpCheck, createHealth, createLogger, createMetrics, keepWasmOnBaselineCompiler, listen, runService, sqlCheck } from '@runfleet/service-kit';
import { pruneIdempotencyKeys } from '@runfleet/idempotency';
import { createMessaging, pgExecutor } from '@runfleet/messaging';
import { readConfig } from './config';
import { createDatabase } from './db';
import { recomputeAllTiers } from './domain/recompute-tier';
import type { TierPolicy } from './domain/tier-rules';
import { wakingRelayAfterCommits } from './data/outbox.repository';
import { buildApp } from './http/app';
import { consumeOrderPayments } from './messaging/order-payments.consumer';
import { consumeTierSales } from './messaging/tier-sales.consumer';

// before Prisma compiles its query compiler (packages/service-kit/src/wasm-memory.ts)
keepWasmOnBaselineCompiler();

const config = readConfig();
const logger = createLogger({ service: 'reseller', level: config.LOG_LEVEL });
const tierPolicy: TierPolicy = {
  thresholds: config.TIER_THRESHOLDS,
  bonusBps: config.TIER_BONUS_BPS,
  windowDays: config.TIER_WINDOW_DAYS,
};
const now = () => new Date();

void runService({
  name: 'reseller',
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: async () => {
    const database = createDatabase(config.DATABASE_URL, {
      onPoolError: (err) => logger.warn({ err }, 'database connection lost'),
    });
    const metrics = createMetrics('reseller');
    const messaging = createMessaging({
      service: 'reseller',
      amqpUrl: config.AMQP_URL,
      databaseUrl: config.DATABASE_URL,
      logger,
      registry: metrics.registry,
    });
    // Every event this service emits is written to outbox_event in the transaction of its state
    // change (src/data/outbox.repository.ts); the relay publishes those rows (DESIGN.md §6), woken
    // right after each commit.
    messaging.startRelay();
    const prisma = wakingRelayAfterCommits(database.prisma, () => messaging.outboxCommitted());
    const { pool } = database;
    // Billing's verdicts on orders, and the sales that decide tiers (DESIGN.md §4, §2).
    await consumeOrderPayments(messaging, { prisma, now, registry: metrics.registry });
    await consumeTierSales(messaging, { prisma, now, tierPolicy });
    // Sales age out of the trailing window with no event to say so: a periodic sweep demotes.
    // Each reseller is decided under its row lock, so replicas sweeping together agree.
    let sweeping: Promise<unknown> | null = null;
    const tierSweep = setInterval(() => {
      if (sweeping) return;
      sweeping = recomputeAllTiers({ prisma, now, tierPolicy }, logger)
        .catch((err: unknown) => logger.warn({ err }, 'tier sweep failed; will retry at the next interval'))
        .finally(() => {
          sweeping = null;
        });
    }, config.TIER_RECOMPUTE_INTERVAL_MS);
    tierSweep.unref();
    // Idempotency-Keys of placed orders are kept 30 days (packages/idempotency); forget older ones
    // hourly, a chunk per autocommitted statement. Replicas pruning together skip each other's rows.
    const keySweep = setInterval(() => {
      pruneIdempotencyKeys(pgExecutor(pool)).catch((err: unknown) => logger.warn({ err }, 'idempotency key prune failed; will retry at the next interval'));
    }, 3600_000);
    keySweep.unref();
    const health = createHealth([
      sqlCheck(() => prisma.$queryRaw`SELECT 1`),
      amqpCheck(() => messaging.isConnected()),
    ]);
    const app = buildApp({
      prisma,
      pool,
      logger,
      metrics,
      health,
      principalSecret: config.PRINCIPAL_SECRET,
      apiKeyPepper: config.API_KEY_PEPPER,
      now,
      tierPolicy,
      sessions: { idleMs: config.SESSION_IDLE_MINUTES * 60_000, absoluteMs: config.SESSION_ABSOLUTE_HOURS * 3600_000 },
    });
    const server = await listen(app, config.PORT);
    logger.info({ port: config.PORT }, 'reseller listening');
    return {
      server,
      health,
      close: async () => {
        clearInterval(tierSweep);
        clearInterval(keySweep);
        await sweeping;
        await messaging.close();
        await prisma.$disconnect();
      },
    };
  },
});
