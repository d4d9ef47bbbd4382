// Test isolation on the machine's real PostgreSQL and RabbitMQ: every suite gets its own
// database and its own vhost, so suites run together and twice in a row without interfering.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { brokerRestartFinished } from './broker-restart-lock';

export { brokerRestartFinished, withBrokerRestartLock, BROKER_RESTART_LOCK } from './broker-restart-lock';

export const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const AMQP_BASE_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const RABBIT_MGMT_URL = process.env.TEST_RABBIT_MGMT_URL ?? 'http://guest:guest@127.0.0.1:15672';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function uniqueName(prefix: string): string {
  const safe = prefix.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 30);
  return `t_${safe}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

function urlFor(database: string, adminUrl: string = PG_ADMIN_URL): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates an empty database for one suite; `drop()` removes it (forcing out stray connections).
 * `adminUrl` names another server than the shared one (e.g. a startOwnPostgres()'s `url`).
 */
export async function createTestDatabase(prefix: string, adminUrl: string = PG_ADMIN_URL): Promise<TestDatabase> {
  const name = uniqueName(prefix);
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: urlFor(name, adminUrl),
    async drop() {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Drops a database a test caused to be made under a name of its choosing (forcing out stray connections). */
export async function dropDatabase(name: string): Promise<void> {
  const c = new Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

export interface TestVhost {
  name: string;
  /** amqp URL pointing at this vhost */
  url: string;
  drop(): Promise<void>;
}

/** One call to the RabbitMQ management API (guest credentials from RABBIT_MGMT_URL); throws unless 2xx or 404. */
export async function rabbitManagement(method: string, path: string, body?: unknown): Promise<Response> {
  const base = new URL(RABBIT_MGMT_URL);
  const auth = Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64');
  base.username = '';
  base.password = '';
  const res = await fetch(new URL(path, base), {
    method,
    headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok && res.status !== 404) {
    throw new Error(`RabbitMQ management ${method} ${path}: ${res.status} ${await res.text()}`);
  }
  return res;
}

/**
 * An idempotent management call (PUT a vhost or its permissions, DELETE a vhost) that survives a
 * dropped connection: a busy broker's management listener gives up on a slow vhost change (over a
 * minute when the broker is loaded) that still completes. Then the object is read back until it is
 * there (PUT) or gone (DELETE), asking again now and then.
 */
async function idempotentManagement(method: 'PUT' | 'DELETE', path: string, body?: unknown, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastAsked = Date.now();
  try {
    await rabbitManagement(method, path, body);
    return;
  } catch (err) {
    // fetch's network failure (a TypeError of Node's realm, not jest's: compared by name)
    if ((err as Error)?.name !== 'TypeError') throw err;
  }
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    try {
      const state = await rabbitManagement('GET', path);
      if ((method === 'PUT' && state.status === 200) || (method === 'DELETE' && state.status === 404)) return;
      if (Date.now() - lastAsked > 60_000) {
        lastAsked = Date.now();
        await rabbitManagement(method, path, body).catch(() => undefined);
      }
    } catch {
      // still busy: read again
    }
    if (Date.now() > deadline) throw new Error(`RabbitMQ management ${method} ${path}: not done after ${timeoutMs} ms`);
  }
}

/** Creates a vhost (guest has all permissions on it) through the management API. */
export async function createTestVhost(prefix: string): Promise<TestVhost> {
  await brokerRestartFinished();
  const name = uniqueName(prefix);
  const user = decodeURIComponent(new URL(AMQP_BASE_URL).username || 'guest');
  await idempotentManagement('PUT', `/api/vhosts/${encodeURIComponent(name)}`);
  await idempotentManagement('PUT', `/api/permissions/${encodeURIComponent(name)}/${encodeURIComponent(user)}`, {
    configure: '.*',
    write: '.*',
    read: '.*',
  });
  return {
    name,
    url: `${AMQP_BASE_URL.replace(/\/$/, '')}/${encodeURIComponent(name)}`,
    async drop() {
      await idempotentManagement('DELETE', `/api/vhosts/${encodeURIComponent(name)}`);
    },
  };
}

/** Reads a queue's state (messages ready/unacked, arguments) from the management API. */
export async function getQueue(vhost: string, queue: string): Promise<Record<string, unknown> | null> {
  const res = await rabbitManagement('GET', `/api/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}`);
  if (res.status === 404) return null;
  return (await res.json()) as Record<string, unknown>;
}

/** Deletes a queue through the management API, as an operator (or a broker losing its definitions) would. */
export async function deleteQueueByManagement(vhost: string, queue: string): Promise<void> {
  await rabbitManagement('DELETE', `/api/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}`);
}

/** Applies a policy (e.g. `{ 'max-length': 0 }`) to the queues of `vhost` whose names match `pattern`. */
export async function setQueuePolicy(vhost: string, name: string, pattern: string, definition: Record<string, unknown>): Promise<void> {
  await rabbitManagement('PUT', `/api/policies/${encodeURIComponent(vhost)}/${encodeURIComponent(name)}`, {
    pattern,
    definition,
    'apply-to': 'queues',
    priority: 10,
  });
}

/** A short prefix for Redis keys that no other suite uses. */
export function uniqueRedisPrefix(prefix: string): string {
  return `${uniqueName(prefix)}:`;
}
export { serviceMigrationsSuite, type MessagingTablesClient, type ServiceMigrationsOptions } from './service-migrations';
export { startOwnPostgres, type OwnPostgres } from './own-postgres';
export { waitForStableCount, type StableCountOptions } from './stable-count';
export { refuseCommitsWriting, snapshotTables, type RefusedWrites } from './outbox-atomicity';
export { startOwnRabbitmq, type OwnRabbitmq } from './own-rabbitmq';
export { startOwnRedis, type OwnRedis } from './own-redis';

/** Runs one query on its own connection (a suite reading another process's database) and returns the rows. */
export async function queryRows<R extends Record<string, unknown> = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as R[];
  } finally {
    await c.end();
  }
}
export { startSmtpSink, type CaughtMail, type SmtpSink } from './smtp-sink';
export { readMail, linksIn, type ReadMail } from './mail-text';
