// The real runner-registry service in-process: its app on port 0 over a fresh migrated database and
// its own Redis prefix, its outbox relay publishing to the suite's vhost (so disabling a runner
// really emits runner.revoked), and its use cases for setting up what a test needs.
import type { Server } from 'node:http';
import { Redis } from 'ioredis';
import { createMessaging, pgTransactions, type Messaging } from '@runfleet/messaging';
import { createHealth, createLogger, createMetrics, listen } from '@runfleet/service-kit';
import { createTestDatabase, REDIS_URL, uniqueRedisPrefix, type TestDatabase } from '@runfleet/test-infra';
import { createDatabase, type PrismaClient } from '../../../runner-registry/src/db';
import { wakingRelayAfterCommits } from '../../../runner-registry/src/data/outbox.repository';
import { HeartbeatStore } from '../../../runner-registry/src/data/heartbeat.store';
import { QueuedJobChannel } from '../../../runner-registry/src/data/queued-job-channel';
import { ClaimWaiters } from '../../../runner-registry/src/domain/claim-waiters';
import type { TokenDeps } from '../../../runner-registry/src/domain/use-case-deps';
import { buildApp, type AppDeps } from '../../../runner-registry/src/http/app';
import { migrate } from '../../../runner-registry/src/migrate';
import { PRINCIPAL_SECRET } from './gateway-under-test';

export const TOKEN_PEPPER = 'test-runner-token-pepper-of-at-least-32-chars';

export interface RegistryUnderTest {
  url: string;
  db: TestDatabase;
  prisma: PrismaClient;
  messaging: Messaging;
  /** what the registry's use cases need, for setting up tests without an admin key */
  deps: TokenDeps & Pick<AppDeps, 'queuedJobs' | 'heartbeats'>;
  /** claims long-polling right now */
  claimsWaiting(): number;
  close(): Promise<void>;
}

export interface StartRegistryOptions {
  /** the longest a claim long-polls (the registry's CLAIM_MAX_WAIT_SECONDS; default 30) */
  claimMaxWaitSeconds?: number;
}

export async function startRegistry(amqpUrl: string, options: StartRegistryOptions = {}): Promise<RegistryUnderTest> {
  const db = await createTestDatabase('gateway_registry');
  await migrate(db.url);
  const database = createDatabase(db.url, { poolMax: 5 });
  const logger = createLogger({ service: 'runner-registry', level: 'silent' });
  const metrics = createMetrics('runner-registry');
  const messaging = createMessaging({ service: 'runner-registry', amqpUrl, databaseUrl: db.url, logger, registry: metrics.registry });
  messaging.startRelay();
  const prisma = wakingRelayAfterCommits(database.prisma, () => messaging.outboxCommitted());
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const subscriber = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const waiters = new ClaimWaiters();
  const keyPrefix = uniqueRedisPrefix('gateway_registry');
  const queuedJobs = new QueuedJobChannel({ redis, subscriber, keyPrefix, waiters, logger });
  await queuedJobs.start();
  const heartbeats = new HeartbeatStore(redis, keyPrefix);
  const app = buildApp({
    prisma,
    transactions: messaging.transactions(pgTransactions(database.pool)) as AppDeps['transactions'],
    logger,
    metrics,
    health: createHealth([]),
    principalSecret: PRINCIPAL_SECRET,
    tokenPepper: TOKEN_PEPPER,
    waiters,
    queuedJobs,
    jobPolicy: { maxAttempts: 3, defaultTimeoutSeconds: 3600 },
    claimMaxWaitSeconds: options.claimMaxWaitSeconds ?? 30,
    heartbeats,
    heartbeatIntervalSeconds: 10,
  });
  const server: Server = await listen(app, 0);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    db,
    prisma,
    messaging,
    deps: { prisma, now: () => new Date(), tokenPepper: TOKEN_PEPPER, queuedJobs, heartbeats },
    claimsWaiting: () => waiters.size,
    async close() {
      waiters.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await messaging.close();
      subscriber.disconnect();
      redis.disconnect();
      await prisma.$disconnect();
      await db.drop();
    },
  };
}
