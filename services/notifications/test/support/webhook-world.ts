// The notifications service under test: its app on a fresh, migrated database, the webhook
// dependencies the use cases get, and a dispatcher factory with scaled-down timings.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Express } from 'express';
import request from 'supertest';
import { PRINCIPAL_HEADER, type Principal } from '@runfleet/contracts';
import { createHealth, createLogger, createMetrics, signPrincipal, type Logger } from '@runfleet/service-kit';
import { createTestDatabase, type TestDatabase } from '@runfleet/test-infra';
import { createDatabase, type Database, type PrismaClient } from '../../src/db';
import { WebhookDispatcher, type DispatcherOptions } from '../../src/delivery/webhook-dispatcher';
import { webhookMetrics } from '../../src/delivery/webhook-metrics';
import { WebhookSender } from '../../src/delivery/webhook-sender';
import { SecretCipher, secretKeyFrom } from '../../src/domain/secret-cipher';
import type { WebhookDeps } from '../../src/domain/use-case-deps';
import { webhookChannel } from '../../src/domain/webhook-channel';
import type { AccountNotification } from '../../src/domain/account-notification';
import type { WebhookPolicy } from '../../src/domain/webhook-policy';
import { buildApp } from '../../src/http/app';
import { migrate } from '../../src/migrate';

export const PRINCIPAL_SECRET = 'test-principal-secret-of-at-least-32-chars';

const RESELLER_A = randomUUID();
export const ACTORS = {
  resellerA: { type: 'reseller', id: RESELLER_A, resellerId: RESELLER_A, scopes: [] },
  customerA: { type: 'customer', id: randomUUID(), resellerId: RESELLER_A, scopes: [] },
  customerB: { type: 'customer', id: randomUUID(), resellerId: null, scopes: [] },
  admin: { type: 'admin', id: randomUUID(), resellerId: null, scopes: [] },
} satisfies Record<string, Omit<Principal, 'exp'>>;
export type ActorName = keyof typeof ACTORS;

export const fastPolicy = (overrides: Partial<WebhookPolicy> = {}): WebhookPolicy => ({
  retryScheduleMs: [100, 200, 300],
  disableAfterMs: 60_000,
  warnBeforeMs: 10_000,
  secretOverlapMs: 60_000,
  ...overrides,
});

export interface WorldOptions {
  policy?: WebhookPolicy;
  allowInsecureLoopback?: boolean;
}

export interface World {
  db: TestDatabase;
  database: Database;
  prisma: PrismaClient;
  app: Express;
  deps: WebhookDeps;
  /** every log line the app and dispatchers wrote */
  logLines: string[];
  logger: Logger;
  as(actor: ActorName | Omit<Principal, 'exp'>): {
    get(path: string): request.Test;
    post(path: string, body?: object): request.Test;
    patch(path: string, body?: object): request.Test;
    delete(path: string): request.Test;
  };
  /** a dispatcher on this world's database; stopped by close() */
  dispatcher(options?: Partial<DispatcherOptions> & { allowLoopback?: boolean }): WebhookDispatcher;
  /** records a notification through the webhook channel in its own committed transaction */
  notify(n: Partial<AccountNotification> & { recipient: AccountNotification['recipient'] }): Promise<AccountNotification>;
  close(): Promise<void>;
}

export async function createWorld(prefix: string, options: WorldOptions = {}): Promise<World> {
  const db = await createTestDatabase(prefix);
  await migrate(db.url);
  const database = createDatabase(db.url, { poolMax: 10, onPoolError: () => undefined });
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger({ service: 'notifications', level: 'debug', destination });
  const policy = options.policy ?? fastPolicy();
  const deps: WebhookDeps = {
    prisma: database.prisma,
    now: () => new Date(),
    cipher: new SecretCipher(secretKeyFrom(PRINCIPAL_SECRET)),
    policy,
    allowInsecureLoopback: options.allowInsecureLoopback ?? true,
  };
  const app = buildApp({ prisma: database.prisma, logger, metrics: createMetrics('notifications'), health: createHealth([]), principalSecret: PRINCIPAL_SECRET, webhooks: deps });
  const dispatchers: { dispatcher: WebhookDispatcher; sender: WebhookSender }[] = [];
  const channel = webhookChannel({ now: deps.now });

  return {
    db,
    database,
    prisma: database.prisma,
    app,
    deps,
    logLines,
    logger,
    as(actor) {
      const principal = typeof actor === 'string' ? ACTORS[actor] : actor;
      const header = signPrincipal({ ...principal, exp: Math.floor(Date.now() / 1000) + 600 } as Principal, PRINCIPAL_SECRET);
      const agent = request(app);
      return {
        get: (path) => agent.get(path).set(PRINCIPAL_HEADER, header),
        post: (path, body) => agent.post(path).set(PRINCIPAL_HEADER, header).send(body ?? {}),
        patch: (path, body) => agent.patch(path).set(PRINCIPAL_HEADER, header).send(body ?? {}),
        delete: (path) => agent.delete(path).set(PRINCIPAL_HEADER, header),
      };
    },
    dispatcher(overrides = {}) {
      const timeoutMs = overrides.timeoutMs ?? 2_000;
      const sender = overrides.sender ?? new WebhookSender({ allowLoopback: overrides.allowLoopback ?? true, timeoutMs });
      const dispatcher = new WebhookDispatcher({
        pool: database.pool,
        sender,
        cipher: deps.cipher,
        policy,
        logger,
        metrics: webhookMetrics(createMetrics('notifications').registry, database.pool),
        concurrency: 64,
        perEndpointConcurrency: 4,
        pollMs: 20,
        timeoutMs,
        ...overrides,
      });
      dispatchers.push({ dispatcher, sender });
      dispatcher.start();
      return dispatcher;
    },
    async notify(n) {
      const notification: AccountNotification = {
        eventId: randomUUID(),
        type: 'job.completed',
        occurredAt: new Date().toISOString(),
        data: { jobId: randomUUID() },
        ...n,
      };
      await database.prisma.$transaction((tx) => channel.deliver(tx, notification));
      return notification;
    },
    async close() {
      for (const { dispatcher, sender } of dispatchers) {
        await dispatcher.stop();
        await sender.close();
      }
      await database.prisma.$disconnect();
      // Prisma disposes the pool only if it ever used it; a suite may have used only the pool.
      if (!database.pool.ended) await database.pool.end();
      await db.drop();
    },
  };
}

export const ownerOfActor = (name: 'customerA' | 'customerB' | 'resellerA') => ({
  accountType: ACTORS[name].type as 'customer' | 'reseller',
  accountId: ACTORS[name].id,
});

/** Polls `check` until it returns a truthy value or the time runs out. */
export async function waitFor<T>(check: () => Promise<T> | T, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
