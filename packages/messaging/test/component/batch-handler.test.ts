// Batch handlers (issue 15 "Speed"): a consumer's `batchHandler` gets every new message of a
// transaction at once, so a service can apply them with set-based SQL. The inbox still decides what
// is new — within a batch and across batches — a poison message still fails alone, a batch that is
// not full starts when batchWaitMs runs out (and a full one at once), and a consumer killed in the
// middle of a batch, or after committing it but before acking, leaves every effect exactly once.
import { Registry } from 'prom-client';
import { waitForStableCount } from '@runfleet/test-infra';
import { Pool, type PoolClient } from 'pg';
import { createMessaging, listDeadLetters, pgExecutor, pgTransactions, type BatchMessage, type Messaging } from '../../src';
import { exited, forkFixture } from '../support/child-process';
import {
  createMessagingTestEnv,
  insertEffects,
  metricSum,
  sleep,
  testLogger,
  testValidator,
  type MessagingTestEnv,
  type TestData,
} from '../support/messaging-test-env';

jest.setTimeout(60_000);

const RETRY_MS = 1_000;
let env: MessagingTestEnv;
let messaging: Messaging;
let registry: Registry;

beforeAll(async () => {
  env = await createMessagingTestEnv('msg_batch_handler');
  registry = new Registry();
  messaging = createMessaging({
    service: 'batchhsvc',
    amqpUrl: env.vhost.url,
    databaseUrl: env.db.url,
    logger: testLogger(),
    registry,
    validate: testValidator,
    retryDelaysMs: [RETRY_MS],
  });
  await messaging.publisher.waitForConnect();
});
afterAll(async () => {
  await messaging.close();
  await env.drop();
});

const numbers = (messages: readonly BatchMessage<string>[]) => messages.map((m) => (m.envelope.data as TestData).n);

/** Declares the queue, then lets `publish` fill it while nobody consumes it. */
async function queueUp(concern: string, type: string, publish: () => Promise<void>): Promise<void> {
  const declaring = await messaging.consume({ concern, events: [type], batchHandler: (messages, { sql }) => insertEffects(sql, messages.map((m) => m.envelope)) });
  await declaring.close();
  await publish();
}

async function effectsOf(ids: string[]): Promise<{ n: number; total: number }[]> {
  const { rows } = await env.pool.query('SELECT n, count(*)::int AS total FROM effect WHERE message_id = ANY($1::uuid[]) GROUP BY n ORDER BY n', [ids]);
  return rows;
}

const metric = (name: string, labels: Record<string, string>) => metricSum(registry, name, labels);

test('a batch reaches the handler in one call, in arrival order, with a message published twice in it only once', async () => {
  const envelopes = Array.from({ length: 20 }, (_, n) => messaging.envelope('test.bh_within', { n }));
  await queueUp('within', 'test.bh_within', async () => {
    for (const e of envelopes) await messaging.publisher.publish(e);
    await messaging.publisher.publish(envelopes[7]!);
  });

  const calls: number[][] = [];
  await messaging.consume({
    concern: 'within',
    events: ['test.bh_within'],
    batchSize: 50,
    batchWaitMs: 300,
    batchHandler: async (messages, { sql }) => {
      calls.push(numbers(messages));
      await insertEffects(sql, messages.map((m) => m.envelope));
    },
  });

  const ids = envelopes.map((e) => e.id);
  await waitForStableCount(async () => (await effectsOf(ids)).length, { atLeast: 20, stableMs: 1_000, timeoutMs: 30_000 });
  expect(calls).toEqual([Array.from({ length: 20 }, (_, n) => n)]);
  expect((await effectsOf(ids)).every((e) => e.total === 1)).toBe(true);
  expect(await metric('runfleet_consumer_messages_total', { queue: 'batchhsvc.within', outcome: 'duplicate' })).toBe(1);
});

test('messages already applied by an earlier batch are left out of a later one', async () => {
  const first = Array.from({ length: 10 }, (_, n) => messaging.envelope('test.bh_across', { n }));
  const calls: number[][] = [];
  await messaging.consume({
    concern: 'across',
    events: ['test.bh_across'],
    batchSize: 50,
    batchWaitMs: 200,
    batchHandler: async (messages, { sql }) => {
      calls.push(numbers(messages));
      await insertEffects(sql, messages.map((m) => m.envelope));
    },
  });
  for (const e of first) await messaging.publisher.publish(e);
  await waitForStableCount(async () => (await effectsOf(first.map((e) => e.id))).length, { atLeast: 10, stableMs: 500, timeoutMs: 30_000 });

  // Three of them again (an outbox re-publish), next to five new ones.
  const second = Array.from({ length: 5 }, (_, i) => messaging.envelope('test.bh_across', { n: 100 + i }));
  for (const e of [first[2]!, second[0]!, first[5]!, ...second.slice(1), first[9]!]) await messaging.publisher.publish(e);
  const ids = [...first, ...second].map((e) => e.id);
  await waitForStableCount(async () => (await effectsOf(ids)).length, { atLeast: 15, stableMs: 1_000, timeoutMs: 30_000 });

  expect((await effectsOf(ids)).every((e) => e.total === 1)).toBe(true);
  expect(calls.flat().sort((a, b) => a - b)).toEqual([...Array.from({ length: 10 }, (_, n) => n), 100, 101, 102, 103, 104]);
  expect(await metric('runfleet_consumer_messages_total', { queue: 'batchhsvc.across', outcome: 'duplicate' })).toBe(3);
});

test('a poison message fails its batch once, then alone: its neighbours are applied at once and only it is dead-lettered', async () => {
  const POISON = 12;
  const envelopes = Array.from({ length: 30 }, (_, n) => messaging.envelope('test.bh_poison', { n }));
  await queueUp('poison', 'test.bh_poison', async () => {
    for (const e of envelopes) await messaging.publisher.publish(e);
  });

  const calls: { ns: number[]; attempts: number[]; at: number }[] = [];
  await messaging.consume({
    concern: 'poison',
    events: ['test.bh_poison'],
    batchSize: 50,
    batchWaitMs: 300,
    batchHandler: async (messages, { sql }) => {
      calls.push({ ns: numbers(messages), attempts: messages.map((m) => m.attempt), at: Date.now() });
      await insertEffects(sql, messages.map((m) => m.envelope));
      if (numbers(messages).includes(POISON)) throw new Error('poison, every time');
    },
  });

  const ids = envelopes.map((e) => e.id);
  await waitForStableCount(async () => (await effectsOf(ids)).length, { atLeast: 29, stableMs: 500, timeoutMs: 30_000 });
  let dead: Awaited<ReturnType<typeof listDeadLetters>> = [];
  await waitForStableCount(async () => (dead = await listDeadLetters(env.vhost.url, 'batchhsvc.poison')).length, { atLeast: 1, stableMs: 500, timeoutMs: 30_000 });

  const effects = await effectsOf(ids);
  expect(effects.map((e) => e.n)).toEqual(Array.from({ length: 30 }, (_, n) => n).filter((n) => n !== POISON));
  expect(effects.every((e) => e.total === 1)).toBe(true);
  // "at once": every neighbour was handled alone before the poison's retry delay had passed
  // (measured between handler calls, so neither the queue set-up nor the polling counts)
  const lastNeighbourCall = calls.slice(1).filter((c) => c.ns.length === 1 && c.ns[0] !== POISON).at(-1)!;
  expect(lastNeighbourCall.at - calls[0]!.at).toBeLessThan(RETRY_MS);
  // First the whole batch, then each message alone; only the poison ever had a second attempt.
  expect(calls[0]!.ns).toHaveLength(30);
  expect(calls.slice(1, 31).every((c) => c.ns.length === 1)).toBe(true);
  expect(calls.filter((c) => c.attempts[0]! > 1).map((c) => c.ns)).toEqual([[POISON]]);
  expect(dead).toHaveLength(1);
  expect(dead[0]!.messageId).toBe(envelopes[POISON]!.id);
});

test('a batch that does not fill up starts when batchWaitMs runs out; a full one starts at once', async () => {
  const calls: { ns: number[]; at: number }[] = [];
  await messaging.consume({
    concern: 'timer',
    events: ['test.bh_timer'],
    batchSize: 20,
    batchWaitMs: 700,
    batchHandler: async (messages, { sql }) => {
      calls.push({ ns: numbers(messages), at: Date.now() });
      await insertEffects(sql, messages.map((m) => m.envelope));
    },
  });

  const few = Array.from({ length: 3 }, (_, n) => messaging.envelope('test.bh_timer', { n }));
  const sentAt = Date.now();
  for (const e of few) await messaging.publisher.publish(e);
  await waitForStableCount(async () => (await effectsOf(few.map((e) => e.id))).length, { atLeast: 3, stableMs: 300, timeoutMs: 10_000 });
  expect(calls.map((c) => c.ns)).toEqual([[0, 1, 2]]);
  expect(calls[0]!.at - sentAt).toBeGreaterThanOrEqual(650);

  // 20 at once fill a batch: it does not wait the 700 ms out (handled well before the timer).
  calls.length = 0;
  const full = Array.from({ length: 20 }, (_, n) => messaging.envelope('test.bh_timer', { n: 100 + n }));
  await Promise.all(full.map((e) => messaging.publisher.publish(e)));
  const publishedAt = Date.now();
  await waitForStableCount(async () => (await effectsOf(full.map((e) => e.id))).length, { atLeast: 20, stableMs: 300, timeoutMs: 10_000 });
  expect(calls[0]!.ns).toHaveLength(20);
  expect(calls[0]!.at - publishedAt).toBeLessThan(500);
});

test('with concurrency 2 and an orderingKey, two batches run at once but never two holding the same key', async () => {
  // the first 100 take 15 keys in turn (consecutive batches of 10 share five), the last 100 a key each
  const envelopes = Array.from({ length: 200 }, (_, n) => messaging.envelope('test.bh_keyed', { n, orderId: n < 100 ? `key-${n % 15}` : `own-${n}` }));
  await queueUp('keyed', 'test.bh_keyed', async () => {
    for (const e of envelopes) await messaging.publisher.publish(e);
  });

  const running = new Map<PoolClient, Set<string>>();
  let overlaps = 0;
  let mostAtOnce = 0;
  const pool = new Pool({ connectionString: env.db.url, max: 3 });
  const base = pgTransactions(pool);
  const order = new Map<string, number[]>();
  const consumer = await messaging.consume({
    concern: 'keyed',
    events: ['test.bh_keyed'],
    batchSize: 10,
    concurrency: 2,
    orderingKey: (envelope) => (envelope.data as TestData).orderId,
    // a batch counts as running from its transaction's start until after its commit
    transaction: async (fn) => {
      let client: PoolClient | undefined;
      try {
        return await base(async (tx, sql) => {
          client = tx;
          return fn(tx, sql);
        });
      } finally {
        if (client) running.delete(client);
      }
    },
    batchHandler: async (messages, { tx, sql }) => {
      const keys = new Set(messages.map((m) => (m.envelope.data as TestData).orderId!));
      for (const other of running.values()) if ([...keys].some((k) => other.has(k))) overlaps += 1;
      running.set(tx, keys);
      mostAtOnce = Math.max(mostAtOnce, running.size);
      for (const m of messages) {
        const data = m.envelope.data as TestData;
        order.set(data.orderId!, [...(order.get(data.orderId!) ?? []), data.n]);
      }
      await insertEffects(sql, messages.map((m) => m.envelope));
      await sleep(5 + Math.random() * 15);
    },
  });

  const ids = envelopes.map((e) => e.id);
  await waitForStableCount(async () => (await effectsOf(ids)).length, { atLeast: 200, stableMs: 500, timeoutMs: 30_000 });
  await consumer.close();
  await pool.end();
  expect(overlaps).toBe(0);
  expect(mostAtOnce).toBe(2);
  for (const ns of order.values()) expect(ns).toEqual([...ns].sort((a, b) => a - b));
});

describe('a consumer killed during a batch', () => {
  const EVENTS = 1_000;
  let producer: Messaging;
  beforeAll(() => {
    producer = createMessaging({ service: 'producer', amqpUrl: env.vhost.url, databaseUrl: env.db.url, logger: testLogger(), validate: testValidator });
    producer.startRelay({ pollIntervalMs: 200 });
  });
  afterAll(() => producer.close());

  async function produce(type: string): Promise<string[]> {
    const client = await env.pool.connect();
    try {
      await client.query('BEGIN');
      const envelopes = Array.from({ length: EVENTS }, (_, n) => producer.envelope(type, { n }));
      await producer.writeOutbox(pgExecutor(client), envelopes);
      await client.query('COMMIT');
      producer.outboxCommitted();
      return envelopes.map((e) => e.id);
    } finally {
      client.release();
    }
  }

  async function counts(ids: string[]): Promise<{ total: number; distinct: number }> {
    const { rows } = await env.pool.query('SELECT count(*)::int AS total, count(DISTINCT message_id)::int AS distinct FROM effect WHERE message_id = ANY($1::uuid[])', [ids]);
    return rows[0];
  }

  async function replace(concern: string, type: string, ids: string[]): Promise<{ total: number; distinct: number }> {
    const replacement = createMessaging({ service: 'crashbh', amqpUrl: env.vhost.url, databaseUrl: env.db.url, logger: testLogger(), validate: testValidator });
    try {
      await replacement.consume({ concern, events: [type], batchHandler: (messages, { sql }) => insertEffects(sql, messages.map((m) => m.envelope)) });
      return await waitForStableCount(() => counts(ids), { atLeast: EVENTS, stableMs: 2_000 });
    } finally {
      await replacement.close();
    }
  }

  const config = (concern: string, type: string) => ({
    role: 'consumer' as const,
    amqpUrl: env.vhost.url,
    databaseUrl: env.db.url,
    service: 'crashbh',
    concern,
    events: [type],
    handlerDelayMs: 2,
    batchSize: 50,
    prefetch: 200,
    batchHandler: true,
  });

  test('in the middle of its transaction: none of that batch is applied, and the replacement applies everything exactly once', async () => {
    const fixture = forkFixture();
    await fixture.start({ ...config('mid-batch', 'test.bh_mid_batch'), crashOnN: 500 });
    const ids = await produce('test.bh_mid_batch');
    expect(await exited(fixture)).toBe('SIGKILL');
    const before = await counts(ids);
    expect(before.total).toBeLessThanOrEqual(500);
    // Nothing of the batch that held message 500 committed.
    const { rows } = await env.pool.query('SELECT count(*)::int AS n FROM effect WHERE message_id = $1', [ids[500]]);
    expect(rows[0].n).toBe(0);

    expect(await replace('mid-batch', 'test.bh_mid_batch', ids)).toEqual({ total: EVENTS, distinct: EVENTS });
  });

  test('after committing a batch but before acking it: the batch comes back and is applied only once', async () => {
    const fixture = forkFixture();
    await fixture.start({ ...config('after-commit', 'test.bh_after_commit'), killAfterCommitOfN: 500 });
    const ids = await produce('test.bh_after_commit');
    expect(await exited(fixture)).toBe('SIGKILL');
    const before = await counts(ids);
    expect(before.total).toBeGreaterThan(500);
    expect(before.total).toBeLessThan(EVENTS);

    expect(await replace('after-commit', 'test.bh_after_commit', ids)).toEqual({ total: EVENTS, distinct: EVENTS });
  });
});
