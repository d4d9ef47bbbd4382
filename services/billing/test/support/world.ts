// A billing service under test: its app on a fresh, migrated database, wallets for the actors of
// the authorization matrix — admin, reseller A and B (with commission wallets), a customer of each,
// a direct customer — and a price list. Suites drive the API with `world.as('customerA').get(...)`
// and call use cases directly with `world.prisma`.
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { PRINCIPAL_HEADER, type Principal } from '@runfleet/contracts';
import { createHealth, createLogger, createMetrics, signPrincipal } from '@runfleet/service-kit';
import { createTestDatabase, type TestDatabase } from '@runfleet/test-infra';
import { findWalletOfOwner, openWallet, type WalletRecord } from '../../src/data/wallet.repository';
import { createPrisma, type PrismaClient } from '../../src/db';
import { creditWallet } from '../../src/domain/credit-wallet';
import type { PayoutProvider } from '../../src/domain/payout-provider';
import type { UseCaseDeps } from '../../src/domain/use-case-deps';
import { buildApp } from '../../src/http/app';
import { migrate } from '../../src/migrate';

export const PRINCIPAL_SECRET = 'test-principal-secret-of-at-least-32-chars';
export const WEBHOOK_SECRET = 'whsec_test_secret_of_the_payment_provider';

export const ACTOR_NAMES = ['admin', 'resellerA', 'resellerB', 'customerA', 'customerB', 'direct'] as const;
export type ActorName = (typeof ACTOR_NAMES)[number];
export type Caller = ActorName | Omit<Principal, 'exp'>;

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
  deps: UseCaseDeps;
  principals: Record<ActorName, Omit<Principal, 'exp'>>;
  ids: Record<ActorName, string>;
  /** wallet ids: the customers' wallets and the resellers' commission wallets */
  wallets: Record<Exclude<ActorName, 'admin'>, string>;
  as(caller: Caller): {
    get(path: string): request.Test;
    post(path: string, body?: object, idempotencyKey?: string): request.Test;
    patch(path: string, body?: object): request.Test;
    delete(path: string): request.Test;
  };
  /** credits a wallet as the admin (a top-up through the use case) */
  fund(walletId: string, amount: bigint, currency?: string): Promise<void>;
  /** opens a fresh customer wallet (EUR, direct) and returns it */
  newCustomerWallet(options?: { resellerId?: string | null; currency?: string }): Promise<WalletRecord>;
  wallet(walletId: string): Promise<WalletRecord>;
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

export function signFor(principal: Omit<Principal, 'exp'>): string {
  return signPrincipal({ ...principal, exp: Math.floor(Date.now() / 1000) + 600 }, PRINCIPAL_SECRET);
}

export interface WorldOptions {
  poolMax?: number;
  /** a database elsewhere than a fresh one on the shared server (e.g. on the suite's own startOwnPostgres()) */
  database?: TestDatabase;
  /** who sends payouts (the app's default is manual) */
  payoutProvider?: PayoutProvider;
}

export async function createWorld(prefix: string, options: WorldOptions = {}): Promise<World> {
  const db = options.database ?? (await createTestDatabase(prefix));
  await migrate(db.url);
  // The races queue hundreds of transactions on one pool: waiting for a connection may take longer
  // than the 5 s default on a loaded machine, which would fail the attempt rather than test it.
  const prisma = createPrisma(db.url, { poolMax: options.poolMax ?? 5, connectionTimeoutMs: 60_000, onPoolError: () => undefined });
  const clock = new TestClock();
  const app = buildApp({
    prisma,
    logger: createLogger({ service: 'billing', level: 'silent' }),
    metrics: createMetrics('billing'),
    health: createHealth([]),
    principalSecret: PRINCIPAL_SECRET,
    now: clock.now,
    paymentWebhook: { secret: WEBHOOK_SECRET, toleranceSeconds: 300 },
    ...(options.payoutProvider ? { payoutProvider: options.payoutProvider } : {}),
  });
  const deps: UseCaseDeps = { prisma, now: clock.now };
  const ids: World['ids'] = {
    admin: randomUUID(),
    resellerA: randomUUID(),
    resellerB: randomUUID(),
    customerA: randomUUID(),
    customerB: randomUUID(),
    direct: randomUUID(),
  };
  const admin = { type: 'admin' as const, id: ids.admin };
  await openWallet(prisma, { ownerType: 'reseller', ownerId: ids.resellerA, resellerId: ids.resellerA, currency: 'EUR' });
  await openWallet(prisma, { ownerType: 'reseller', ownerId: ids.resellerB, resellerId: ids.resellerB, currency: 'EUR' });
  await openWallet(prisma, { ownerType: 'customer', ownerId: ids.customerA, resellerId: ids.resellerA, currency: 'EUR' });
  await openWallet(prisma, { ownerType: 'customer', ownerId: ids.customerB, resellerId: ids.resellerB, currency: 'EUR' });
  await openWallet(prisma, { ownerType: 'customer', ownerId: ids.direct, resellerId: null, currency: 'EUR' });
  const walletOf = async (ownerType: 'customer' | 'reseller', ownerId: string) => (await findWalletOfOwner(prisma, ownerType, ownerId))!.id;
  const wallets: World['wallets'] = {
    resellerA: await walletOf('reseller', ids.resellerA),
    resellerB: await walletOf('reseller', ids.resellerB),
    customerA: await walletOf('customer', ids.customerA),
    customerB: await walletOf('customer', ids.customerB),
    direct: await walletOf('customer', ids.direct),
  };

  const principals: World['principals'] = {
    admin: { type: 'admin', id: ids.admin, resellerId: null, scopes: [] },
    resellerA: { type: 'reseller', id: ids.resellerA, resellerId: ids.resellerA, scopes: [] },
    resellerB: { type: 'reseller', id: ids.resellerB, resellerId: ids.resellerB, scopes: [] },
    customerA: { type: 'customer', id: ids.customerA, resellerId: ids.resellerA, scopes: [] },
    customerB: { type: 'customer', id: ids.customerB, resellerId: ids.resellerB, scopes: [] },
    direct: { type: 'customer', id: ids.direct, resellerId: null, scopes: [] },
  };

  const world: World = {
    db,
    prisma,
    app,
    clock,
    deps,
    principals,
    ids,
    wallets,
    as(caller) {
      const principal = typeof caller === 'string' ? principals[caller] : caller;
      const header = signFor(principal);
      const agent = request(app);
      return {
        get: (path) => agent.get(path).set(PRINCIPAL_HEADER, header),
        post: (path, body, key) => {
          const req = agent.post(path).set(PRINCIPAL_HEADER, header);
          if (key !== undefined) req.set('Idempotency-Key', key);
          return req.send(body ?? {});
        },
        patch: (path, body) => agent.patch(path).set(PRINCIPAL_HEADER, header).send(body ?? {}),
        delete: (path) => agent.delete(path).set(PRINCIPAL_HEADER, header),
      };
    },
    async fund(walletId, amount, currency = 'EUR') {
      const key = randomUUID();
      const input = { amount, currency, kind: 'topup' as const, reason: 'test funding' };
      await creditWallet(deps, admin, walletId, input, { key, fingerprint: key });
    },
    async newCustomerWallet(opts = {}) {
      const ownerId = randomUUID();
      await openWallet(prisma, { ownerType: 'customer', ownerId, resellerId: opts.resellerId ?? null, currency: opts.currency ?? 'EUR' });
      return (await findWalletOfOwner(prisma, 'customer', ownerId))!;
    },
    async wallet(walletId) {
      const rows = await prisma.wallet.findUniqueOrThrow({ where: { id: walletId } });
      return rows as unknown as WalletRecord;
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
  return world;
}

/** The data of the outbox events of one type, oldest first (what the relay will publish). */
export async function outboxEvents(prisma: PrismaClient, type: string): Promise<Record<string, unknown>[]> {
  const rows = await prisma.outboxEvent.findMany({ where: { type }, orderBy: { seq: 'asc' }, select: { envelope: true } });
  return rows.map((r) => (r.envelope as { data: Record<string, unknown> }).data);
}

/** 1 currency unit in micro-units. */
export const UNIT = 1_000_000n;
