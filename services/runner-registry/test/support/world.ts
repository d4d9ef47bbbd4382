// A runner-registry service under test: its app on a fresh, migrated database and its own Redis
// prefix, the read model seeded with two resellers' customers and a direct one (each with a
// project), and helpers to create registration tokens and register runners through the API.
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import request from 'supertest';
import { PRINCIPAL_HEADER, type Principal } from '@runfleet/contracts';
import { pgTransactions, type TransactionRunner } from '@runfleet/messaging';
import type { PoolClient } from 'pg';
import { createHealth, createLogger, createMetrics, signPrincipal } from '@runfleet/service-kit';
import { createTestDatabase, REDIS_URL, uniqueRedisPrefix, type TestDatabase } from '@runfleet/test-infra';
import { createDatabase, type PrismaClient } from '../../src/db';
import { HeartbeatStore } from '../../src/data/heartbeat.store';
import { QueuedJobChannel } from '../../src/data/queued-job-channel';
import { applyAccountEvent, type AccountEnvelope } from '../../src/domain/apply-account-event';
import { ClaimWaiters } from '../../src/domain/claim-waiters';
import { REGISTER_SCOPE } from '../../src/domain/actor';
import type { JobPolicy } from '../../src/domain/use-case-deps';
import { buildApp, type AppDeps } from '../../src/http/app';
import { migrate } from '../../src/migrate';

export const PRINCIPAL_SECRET = 'test-principal-secret-of-at-least-32-chars';
export const TOKEN_PEPPER = 'test-runner-token-pepper-of-at-least-32-chars';

export const ACTOR_NAMES = ['admin', 'resellerA', 'resellerB', 'customerA', 'customerB', 'direct'] as const;
export type ActorName = (typeof ACTOR_NAMES)[number];
export type CustomerName = 'customerA' | 'customerB' | 'direct';

export type Caller = ActorName | Omit<Principal, 'exp'>;

export const GATEWAY: Omit<Principal, 'exp'> = { type: 'service', id: 'api-gateway', resellerId: null, scopes: [] };

export class TestClock {
  private offsetMs = 0;
  now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface RegisteredRunner {
  id: string;
  token: string;
  principal: Omit<Principal, 'exp'>;
  body: Record<string, unknown>;
}

export interface World {
  db: TestDatabase;
  prisma: PrismaClient;
  /** pg transactions on the pool under `prisma`, as the job saga's use cases run them */
  transactions: TransactionRunner<PoolClient>;
  app: Express;
  clock: TestClock;
  redis: Redis;
  subscriber: Redis;
  waiters: ClaimWaiters;
  queuedJobs: QueuedJobChannel;
  heartbeats: HeartbeatStore;
  jobPolicy: JobPolicy;
  principals: Record<ActorName, Omit<Principal, 'exp'>>;
  ids: Record<ActorName, string>;
  /** one active project per customer */
  projects: Record<CustomerName, string>;
  as(caller: Caller): {
    get(path: string): request.Test;
    post(path: string, body?: object): request.Test;
    patch(path: string, body?: object): request.Test;
    delete(path: string): request.Test;
  };
  /** applies a reseller-service event to the read model, as the accounts consumer would */
  applyAccount(envelope: AccountEnvelope): Promise<void>;
  /** creates a registration token through the API (admin: shared unless customerId; a customer: its own) */
  registrationToken(as: 'admin' | CustomerName, body?: Record<string, unknown>): Promise<{ id: string; token: string }>;
  /** verifies a registration token as the gateway does, then registers a runner with the principal it answers */
  registerRunner(registrationToken: string, body?: Record<string, unknown>): Promise<RegisteredRunner>;
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

export function signFor(principal: Omit<Principal, 'exp'>): string {
  return signPrincipal({ ...principal, exp: Math.floor(Date.now() / 1000) + 600 }, PRINCIPAL_SECRET);
}

export interface WorldOptions {
  jobPolicy?: JobPolicy;
  claimMaxWaitSeconds?: number;
  poolMax?: number;
}

export async function createWorld(prefix: string, options: WorldOptions = {}): Promise<World> {
  const db = await createTestDatabase(prefix);
  await migrate(db.url);
  const { prisma, pool } = createDatabase(db.url, { poolMax: options.poolMax ?? 5 });
  const clock = new TestClock();
  const logger = createLogger({ service: 'runner-registry', level: (process.env.TEST_LOG_LEVEL as 'silent' | undefined) ?? 'silent' });
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const subscriber = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const waiters = new ClaimWaiters();
  const keyPrefix = uniqueRedisPrefix(prefix);
  const queuedJobs = new QueuedJobChannel({ redis, subscriber, keyPrefix, waiters, logger });
  const heartbeats = new HeartbeatStore(redis, keyPrefix);
  await queuedJobs.start();
  const jobPolicy = options.jobPolicy ?? { maxAttempts: 3, defaultTimeoutSeconds: 3600 };
  const transactions = pgTransactions(pool);
  const app = buildApp({
    prisma,
    transactions: transactions as AppDeps['transactions'],
    logger,
    metrics: createMetrics('runner-registry'),
    health: createHealth([]),
    principalSecret: PRINCIPAL_SECRET,
    tokenPepper: TOKEN_PEPPER,
    waiters,
    queuedJobs,
    jobPolicy,
    claimMaxWaitSeconds: options.claimMaxWaitSeconds ?? 30,
    heartbeats,
    heartbeatIntervalSeconds: 10,
    now: clock.now,
  });

  const ids = {
    admin: randomUUID(),
    resellerA: randomUUID(),
    resellerB: randomUUID(),
    customerA: randomUUID(),
    customerB: randomUUID(),
    direct: randomUUID(),
  };
  const principals: World['principals'] = {
    admin: { type: 'admin', id: ids.admin, resellerId: null, scopes: [] },
    resellerA: { type: 'reseller', id: ids.resellerA, resellerId: ids.resellerA, scopes: [] },
    resellerB: { type: 'reseller', id: ids.resellerB, resellerId: ids.resellerB, scopes: [] },
    customerA: { type: 'customer', id: ids.customerA, resellerId: ids.resellerA, scopes: [] },
    customerB: { type: 'customer', id: ids.customerB, resellerId: ids.resellerB, scopes: [] },
    direct: { type: 'customer', id: ids.direct, resellerId: null, scopes: [] },
  };

  const applyAccount = (envelope: AccountEnvelope) => prisma.$transaction((tx) => applyAccountEvent(tx, envelope));
  const occurredAt = new Date().toISOString();
  const projects = {} as Record<CustomerName, string>;
  for (const name of ['customerA', 'customerB', 'direct'] as const) {
    const customerId = ids[name];
    const resellerId = principals[name].resellerId;
    await applyAccount({ type: 'customer.created', occurredAt, data: { customerId, resellerId, email: `${name}@example.com`, name, currency: 'EUR' } });
    projects[name] = randomUUID();
    await applyAccount({ type: 'project.created', occurredAt, data: { projectId: projects[name], customerId, resellerId, name: `${name} project` } });
  }

  const as: World['as'] = (caller) => {
    const principal = typeof caller === 'string' ? principals[caller] : caller;
    const header = signFor(principal);
    const agent = request(app);
    return {
      get: (path) => agent.get(path).set(PRINCIPAL_HEADER, header),
      // a fresh Idempotency-Key on every POST, as a client sends (required on POST /v1/jobs); a test
      // that retries sets its own after
      post: (path, body) => agent.post(path).set(PRINCIPAL_HEADER, header).set('idempotency-key', randomUUID()).send(body ?? {}),
      patch: (path, body) => agent.patch(path).set(PRINCIPAL_HEADER, header).send(body ?? {}),
      delete: (path) => agent.delete(path).set(PRINCIPAL_HEADER, header),
    };
  };

  const world: World = {
    db,
    prisma,
    transactions,
    app,
    clock,
    redis,
    subscriber,
    waiters,
    queuedJobs,
    heartbeats,
    jobPolicy,
    principals,
    ids,
    projects,
    as,
    applyAccount,
    async registrationToken(who, body = {}) {
      const res = await as(who).post('/v1/registration-tokens', { description: 'test token', ...body });
      if (res.status !== 201) throw new Error(`registration token: ${res.status} ${JSON.stringify(res.body)}`);
      return { id: res.body.id as string, token: res.body.token as string };
    },
    async registerRunner(registrationToken, body = {}) {
      const verified = await as(GATEWAY).post('/internal/registration-tokens/verify', { key: registrationToken });
      if (verified.status !== 200) throw new Error(`verify registration token: ${verified.status} ${JSON.stringify(verified.body)}`);
      const res = await as(verified.body.principal).post('/v1/runners', { name: 'runner', jobTypes: ['render'], capacity: 2, version: '1.0.0', ...body });
      if (res.status !== 201) throw new Error(`register runner: ${res.status} ${JSON.stringify(res.body)}`);
      return {
        id: res.body.id as string,
        token: res.body.token as string,
        principal: { type: 'runner', id: res.body.id as string, resellerId: null, scopes: [] },
        body: res.body as Record<string, unknown>,
      };
    },
    async count(table) {
      const rows = await prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${table}"`);
      return Number(rows[0]?.n ?? 0);
    },
    async close() {
      waiters.close();
      const keys = await redis.keys(`${keyPrefix}*`).catch(() => [] as string[]);
      if (keys.length > 0) await redis.del(...keys).catch(() => undefined);
      subscriber.disconnect();
      redis.disconnect();
      await prisma.$disconnect();
      await db.drop();
    },
  };
  return world;
}

/** The principal a registration token's verification answers (for tests that sign it directly). */
export const registrantPrincipal = (tokenId: string): Omit<Principal, 'exp'> => ({ type: 'runner', id: tokenId, resellerId: null, scopes: [REGISTER_SCOPE] });

/** The data of the outbox events of one type, oldest first (what the relay will publish). */
export async function outboxEvents(prisma: PrismaClient, type: string): Promise<Record<string, unknown>[]> {
  const rows = await prisma.outboxEvent.findMany({ where: { type }, orderBy: { seq: 'asc' }, select: { envelope: true } });
  return rows.map((r) => (r.envelope as { data: Record<string, unknown> }).data);
}

export async function waitFor(condition: () => Promise<boolean> | boolean, message: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${message}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
