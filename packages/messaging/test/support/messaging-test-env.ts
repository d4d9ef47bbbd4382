// What every messaging component test starts from: its own database (messaging tables + an `effect`
// table whose rows are the consumer's observable effects) and its own vhost, both dropped afterwards.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Pool } from 'pg';
import pino, { type Logger } from 'pino';
import { createTestDatabase, createTestVhost, type TestDatabase, type TestVhost } from '@runfleet/test-infra';
import type { EventValidator, MessageHandler, SqlExecutor } from '../../src';
import type { PoolClient } from 'pg';
import type { Envelope } from '@runfleet/contracts';
import type { Registry } from 'prom-client';

export const MESSAGING_SQL = readFileSync(path.join(__dirname, '../../sql/messaging-tables.sql'), 'utf8');

/** No unique constraint on purpose: a doubled effect must show up as a second row. */
export const EFFECT_SQL = `
CREATE TABLE effect (message_id uuid NOT NULL, n integer, correlation_id text, causation_id text,
  applied_at timestamptz NOT NULL DEFAULT clock_timestamp());
CREATE TABLE business_row (id uuid PRIMARY KEY, n integer NOT NULL, created_at timestamptz NOT NULL DEFAULT clock_timestamp());`;

/** Test-only event types (`test.*`): data is an object whose `n`, when present, is a whole number. */
export const testValidator: EventValidator = (type, data) => {
  if (!type.startsWith('test.')) throw new Error(`unknown event type ${type}`);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('data: expected an object');
  const n = (data as { n?: unknown }).n;
  if (n !== undefined && !Number.isInteger(n)) throw new Error(`data.n: expected an integer, got ${JSON.stringify(n)}`);
  return data;
};

export interface TestData {
  n: number;
  orderId?: string;
}

export function testLogger(): Logger {
  return pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
}

async function retrying<T>(what: string, fn: () => Promise<T>): Promise<T> {
  // The broker-restart suite stops RabbitMQ (management API included) for a few seconds; a suite
  // starting meanwhile waits for it instead of failing.
  let lastError: unknown;
  for (let i = 0; i < 30; i++) {
    try {
      return await fn();
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
  throw new Error(`${what} failed: ${String(lastError)}`);
}

export interface MessagingTestEnv {
  db: TestDatabase;
  vhost: TestVhost;
  /** the test's own pool, for producing and for assertions */
  pool: Pool;
  effects(): Promise<{ total: number; distinct: number }>;
  drop(): Promise<void>;
}

export async function createMessagingTestEnv(prefix: string): Promise<MessagingTestEnv> {
  const db = await createTestDatabase(prefix);
  const vhost = await retrying('creating a test vhost', () => createTestVhost(prefix));
  const pool = new Pool({ connectionString: db.url, max: 4, application_name: 'messaging test' });
  pool.on('error', () => undefined);
  await pool.query(MESSAGING_SQL);
  await pool.query(EFFECT_SQL);
  return {
    db,
    vhost,
    pool,
    async effects() {
      const { rows } = await pool.query<{ total: string; distinct: string }>(
        'SELECT count(*) AS total, count(DISTINCT message_id) AS distinct FROM effect',
      );
      return { total: Number(rows[0]!.total), distinct: Number(rows[0]!.distinct) };
    },
    async drop() {
      await pool.end().catch(() => undefined);
      await retrying('dropping the test vhost', () => vhost.drop());
      await db.drop();
    },
  };
}

/** The consumer effect used by most tests: one `effect` row per handled message. */
export const recordEffect: MessageHandler<string, PoolClient> = async (envelope, { sql }) => {
  const data = envelope.data as TestData;
  await insertEffect(sql, envelope.id, data.n, envelope.correlationId, envelope.causationId);
};

export async function insertEffect(sql: SqlExecutor, id: string, n: number, correlationId: string, causationId: string | null): Promise<void> {
  await sql.query('INSERT INTO effect (message_id, n, correlation_id, causation_id) VALUES ($1, $2, $3, $4)', [
    id,
    n,
    correlationId,
    causationId,
  ]);
}

export async function waitFor(
  condition: () => Promise<boolean> | boolean,
  options: { timeoutMs: number; intervalMs?: number; message: string | (() => string | Promise<string>) },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) {
      const message = typeof options.message === 'function' ? await options.message() : options.message;
      throw new Error(`timed out after ${options.timeoutMs} ms: ${message}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
}

/** The sum of a metric's values whose labels include `labels`. */
export async function metricSum(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const found = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (found?.values ?? []).filter((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value)).reduce((s, v) => s + v.value, 0);
}

/** One INSERT of the effects of a batch: what a set-based batch handler does. */
export async function insertEffects(sql: SqlExecutor, envelopes: readonly Envelope[]): Promise<void> {
  await sql.query(
    `INSERT INTO effect (message_id, n, correlation_id, causation_id)
     SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[])`,
    [envelopes.map((e) => e.id), envelopes.map((e) => (e.data as TestData).n), envelopes.map((e) => e.correlationId), envelopes.map((e) => e.causationId)],
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
