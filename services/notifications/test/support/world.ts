// A notifications service under test: its app on a fresh, migrated database, the accounts of the
// authorization matrix (a reseller with a customer, another reseller with its customer, a direct
// customer, an admin) known to the read model, and a way to deliver events as the deliveries
// consumer does (fan-out to the feed and email channels in one transaction).
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { PRINCIPAL_HEADER, type EventData, type EventName, type Principal } from '@runfleet/contracts';
import { createHealth, createLogger, createMetrics, signPrincipal } from '@runfleet/service-kit';
import { createTestDatabase, type TestDatabase } from '@runfleet/test-infra';
import { createPrisma, type PrismaClient } from '../../src/db';
import type { NotificationChannel } from '../../src/domain/account-notification';
import { applyAccountEvent } from '../../src/domain/apply-account-event';
import { emailChannel } from '../../src/domain/email-channel';
import { fanOut } from '../../src/domain/fan-out';
import { feedChannel } from '../../src/domain/feed-channel';
import { buildApp } from '../../src/http/app';
import { migrate } from '../../src/migrate';

export const PRINCIPAL_SECRET = 'test-principal-secret-of-at-least-32-chars';

export const ACTOR_NAMES = ['admin', 'resellerA', 'resellerB', 'customerA', 'customerB', 'direct'] as const;
export type ActorName = (typeof ACTOR_NAMES)[number];

export interface World {
  db: TestDatabase;
  prisma: PrismaClient;
  app: Express;
  ids: Record<ActorName, string>;
  principals: Record<ActorName, Omit<Principal, 'exp'>>;
  as(caller: ActorName | Omit<Principal, 'exp'>): {
    get(path: string): request.Test;
    post(path: string, body?: object): request.Test;
    put(path: string, body?: object): request.Test;
  };
  /** delivers an event as the deliveries consumer would; returns its envelope id */
  deliver<N extends EventName>(type: N, data: EventData<N>, options?: { id?: string; occurredAt?: string }): Promise<string>;
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

export function signFor(principal: Omit<Principal, 'exp'>): string {
  return signPrincipal({ ...principal, exp: Math.floor(Date.now() / 1000) + 600 }, PRINCIPAL_SECRET);
}

export async function createWorld(prefix: string, options: { channels?: NotificationChannel[] } = {}): Promise<World> {
  const db = await createTestDatabase(prefix);
  await migrate(db.url);
  const prisma = createPrisma(db.url, { poolMax: 5 });
  const app = buildApp({
    prisma,
    logger: createLogger({ service: 'notifications', level: 'silent' }),
    metrics: createMetrics('notifications'),
    health: createHealth([]),
    principalSecret: PRINCIPAL_SECRET,
    feedStream: { pollMs: 100, heartbeatMs: 500 },
  });
  const ids = Object.fromEntries(ACTOR_NAMES.map((n) => [n, randomUUID()])) as Record<ActorName, string>;
  const now = new Date();
  await prisma.$transaction(async (tx) => {
    for (const r of ['resellerA', 'resellerB'] as const) {
      await applyAccountEvent(tx, { type: 'reseller.created', data: { resellerId: ids[r], name: r, email: `${r}@resellers.example`, commissionRateBps: 1000, tier: 'bronze', currency: 'EUR' } }, now);
    }
    const customers = [['customerA', ids.resellerA], ['customerB', ids.resellerB], ['direct', null]] as const;
    for (const [c, resellerId] of customers) {
      await applyAccountEvent(tx, { type: 'customer.created', data: { customerId: ids[c], resellerId, name: c, email: `${c}@customers.example`, currency: 'EUR' } }, now);
    }
  });
  const principals: World['principals'] = {
    admin: { type: 'admin', id: ids.admin, resellerId: null, scopes: [] },
    resellerA: { type: 'reseller', id: ids.resellerA, resellerId: ids.resellerA, scopes: [] },
    resellerB: { type: 'reseller', id: ids.resellerB, resellerId: ids.resellerB, scopes: [] },
    customerA: { type: 'customer', id: ids.customerA, resellerId: ids.resellerA, scopes: [] },
    customerB: { type: 'customer', id: ids.customerB, resellerId: ids.resellerB, scopes: [] },
    direct: { type: 'customer', id: ids.direct, resellerId: null, scopes: [] },
  };
  const channels = options.channels ?? [feedChannel(), emailChannel()];
  return {
    db,
    prisma,
    app,
    ids,
    principals,
    as(caller) {
      const header = signFor(typeof caller === 'string' ? principals[caller] : caller);
      const agent = request(app);
      return {
        get: (path) => agent.get(path).set(PRINCIPAL_HEADER, header),
        post: (path, body) => agent.post(path).set(PRINCIPAL_HEADER, header).send(body ?? {}),
        put: (path, body) => agent.put(path).set(PRINCIPAL_HEADER, header).send(body ?? {}),
      };
    },
    async deliver(type, data, opts = {}) {
      const id = opts.id ?? randomUUID();
      await prisma.$transaction((tx) => fanOut(tx, { id, type, occurredAt: opts.occurredAt ?? new Date().toISOString(), data }, channels));
      return id;
    },
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

/** job.completed data for a customer's job. */
export function jobCompleted(customerId: string, resellerId: string | null, overrides: Partial<EventData<'job.completed'>> = {}): EventData<'job.completed'> {
  return {
    jobId: randomUUID(),
    projectId: randomUUID(),
    customerId,
    resellerId,
    type: 'render',
    runnerId: randomUUID(),
    attempt: 1,
    usage: { units: '12.000000', durationMs: 1500 },
    ...overrides,
  };
}
