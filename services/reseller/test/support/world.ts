// A reseller service under test: its app on a fresh, migrated database and the six actors of the
// authorization matrix (issue 4): admin, reseller A, reseller B, a customer of each, a direct
// customer. Suites drive it with `world.as('resellerA').get(...)`; R2's areas reuse it.
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { PRINCIPAL_HEADER, type Principal } from '@runfleet/contracts';
import { createHealth, createLogger, createMetrics, signPrincipal, type Logger } from '@runfleet/service-kit';
import { createTestDatabase, type TestDatabase } from '@runfleet/test-infra';
import { createDatabase, type PrismaClient } from '../../src/db';
import { createCustomer } from '../../src/domain/create-customer';
import { createReseller } from '../../src/domain/create-reseller';
import { tierPolicy as defaultTierPolicy, type TierPolicy } from '../../src/domain/tier-rules';
import type { ApiKeyDeps, VerifyDeps } from '../../src/domain/use-case-deps';
import { buildApp } from '../../src/http/app';
import { migrate } from '../../src/migrate';

export const PRINCIPAL_SECRET = 'test-principal-secret-of-at-least-32-chars';
export const API_KEY_PEPPER = 'test-api-key-pepper-of-at-least-32-characters';

export const ACTOR_NAMES = ['admin', 'resellerA', 'resellerB', 'customerA', 'customerB', 'direct'] as const;
export type ActorName = (typeof ACTOR_NAMES)[number];

/** Who a request is signed for: one of the seeded actors or any principal (runners, services, strangers). */
export type Caller = ActorName | Omit<Principal, 'exp'>;

export const GATEWAY: Omit<Principal, 'exp'> = { type: 'service', id: 'api-gateway', resellerId: null, scopes: [] };

/** A clock tests can move; the app's use cases read it. */
export class TestClock {
  private offsetMs = 0;
  now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface World {
  db: TestDatabase;
  prisma: PrismaClient;
  app: Express;
  clock: TestClock;
  /** the deps the app's use cases get, for calling use cases directly */
  deps: ApiKeyDeps & VerifyDeps;
  /** the tier thresholds and bonuses the app was built with */
  tierPolicy: TierPolicy;
  principals: Record<ActorName, Omit<Principal, 'exp'>>;
  ids: {
    admin: string;
    resellerA: string;
    resellerB: string;
    customerA: string;
    customerB: string;
    direct: string;
  };
  /** supertest requests carrying the caller's signed principal */
  as(caller: Caller): {
    get(path: string): request.Test;
    /**
     * A POST with a fresh Idempotency-Key, as the gateway (which requires one on money-moving creates)
     * forwards it; pass `idempotencyKey` to choose it, or null to send none.
     */
    post(path: string, body?: object, options?: { idempotencyKey?: string | null }): request.Test;
    patch(path: string, body?: object): request.Test;
    put(path: string, body?: object): request.Test;
    delete(path: string): request.Test;
  };
  /** supertest without a principal: what the gateway forwards for a public route */
  anonymous(): ReturnType<typeof request>;
  /** number of rows in a table, for "nothing was written" assertions */
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

export function signFor(principal: Omit<Principal, 'exp'>): string {
  return signPrincipal({ ...principal, exp: Math.floor(Date.now() / 1000) + 600 }, PRINCIPAL_SECRET);
}

export interface WorldOptions {
  /** tier thresholds and bonuses for the app (default: the built-in ones) */
  tierPolicy?: TierPolicy;
  /** the app's logger (default: silent); suites that read the log lines pass their own */
  logger?: Logger;
}

export async function createWorld(prefix: string, options: WorldOptions = {}): Promise<World> {
  const db = await createTestDatabase(prefix);
  await migrate(db.url);
  const { prisma, pool } = createDatabase(db.url, { poolMax: 5 });
  const clock = new TestClock();
  const logger = options.logger ?? createLogger({ service: 'reseller', level: 'silent' });
  const tierPolicy = options.tierPolicy ?? defaultTierPolicy();
  const app = buildApp({
    prisma,
    pool,
    logger,
    metrics: createMetrics('reseller'),
    health: createHealth([]),
    principalSecret: PRINCIPAL_SECRET,
    apiKeyPepper: API_KEY_PEPPER,
    now: clock.now,
    tierPolicy,
  });
  const deps: World['deps'] = { prisma, pool, now: clock.now, apiKeyPepper: API_KEY_PEPPER };

  const adminId = randomUUID();
  const admin = { type: 'admin' as const, id: adminId };
  const resellerA = await createReseller(deps, admin, {
    name: 'Reseller A',
    email: 'a@resellers.example',
    commissionRateBps: 1000,
    currency: 'EUR',
  });
  const resellerB = await createReseller(deps, admin, {
    name: 'Reseller B',
    email: 'b@resellers.example',
    commissionRateBps: 2000,
    currency: 'EUR',
  });
  const customerA = await createCustomer(deps, { type: 'reseller', id: resellerA.id }, { name: 'Customer of A', email: 'ca@example.com' });
  const customerB = await createCustomer(deps, { type: 'reseller', id: resellerB.id }, { name: 'Customer of B', email: 'cb@example.com' });
  const direct = await createCustomer(deps, admin, { name: 'Direct customer', email: 'direct@example.com' });

  const principals: World['principals'] = {
    admin: { type: 'admin', id: adminId, resellerId: null, scopes: [] },
    resellerA: { type: 'reseller', id: resellerA.id, resellerId: resellerA.id, scopes: [] },
    resellerB: { type: 'reseller', id: resellerB.id, resellerId: resellerB.id, scopes: [] },
    customerA: { type: 'customer', id: customerA.id, resellerId: resellerA.id, scopes: [] },
    customerB: { type: 'customer', id: customerB.id, resellerId: resellerB.id, scopes: [] },
    direct: { type: 'customer', id: direct.id, resellerId: null, scopes: [] },
  };

  const as: World['as'] = (caller) => {
    const principal = typeof caller === 'string' ? principals[caller] : caller;
    const header = signFor(principal);
    const agent = request(app);
    return {
      get: (path) => agent.get(path).set(PRINCIPAL_HEADER, header),
      post: (path, body, options = {}) => {
        const test = agent.post(path).set(PRINCIPAL_HEADER, header);
        const key = options.idempotencyKey === undefined ? randomUUID() : options.idempotencyKey;
        return (key === null ? test : test.set('idempotency-key', key)).send(body ?? {});
      },
      patch: (path, body) => agent.patch(path).set(PRINCIPAL_HEADER, header).send(body ?? {}),
      put: (path, body) => agent.put(path).set(PRINCIPAL_HEADER, header).send(body ?? {}),
      delete: (path) => agent.delete(path).set(PRINCIPAL_HEADER, header),
    };
  };

  return {
    db,
    prisma,
    app,
    clock,
    deps,
    tierPolicy,
    principals,
    ids: {
      admin: adminId,
      resellerA: resellerA.id,
      resellerB: resellerB.id,
      customerA: customerA.id,
      customerB: customerB.id,
      direct: direct.id,
    },
    as,
    anonymous: () => request(app),
    async count(table) {
      const rows = await prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${table}"`);
      return Number(rows[0]?.n ?? 0);
    },
    async close() {
      await prisma.$disconnect();
      await db.drop();
    },
  };
}

/** The data of the outbox events of one type, oldest first (what the relay will publish). */
export async function outboxEvents(prisma: PrismaClient, type: string): Promise<Record<string, unknown>[]> {
  const rows = await prisma.outboxEvent.findMany({ where: { type }, orderBy: { seq: 'asc' }, select: { envelope: true } });
  return rows.map((r) => (r.envelope as { data: Record<string, unknown> }).data);
}
