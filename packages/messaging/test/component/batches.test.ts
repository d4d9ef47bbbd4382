// Batches (issue 13 items 5, 6): the consumer handles up to 50 messages per transaction. One poison
// message must cost its 49 neighbours nothing — no retry, no delay, no dead letter — and the same
// message id twice in one batch (a redelivery arriving next to its original) must have one effect.
import { Registry } from 'prom-client';
import { createMessaging, listDeadLetters, pgTransactions, type Messaging, type TransactionRunner } from '../../src';
import { waitForStableCount } from '@runfleet/test-infra';
import { Pool, type PoolClient } from 'pg';
import {
  createMessagingTestEnv,
  recordEffect,
  testLogger,
  testValidator,
  type MessagingTestEnv,
  type TestData,
} from '../support/messaging-test-env';

jest.setTimeout(60_000);

const RETRY_MS = 3_000;
let env: MessagingTestEnv;
let messaging: Messaging;
let registry: Registry;
let consumerPool: Pool;

beforeAll(async () => {
  env = await createMessagingTestEnv('msg_batches');
  registry = new Registry();
  consumerPool = new Pool({ connectionString: env.db.url, max: 2 });
  consumerPool.on('error', () => undefined);
  messaging = createMessaging({
    service: 'batchsvc',
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
  await consumerPool.end();
  await env.drop();
});

/** Every handler call, grouped by the transaction it ran in (the consumer runs one at a time). */
function recordingTransactions(): { runner: TransactionRunner<PoolClient>; transactions: number[][]; note(n: number): void } {
  const transactions: number[][] = [];
  const base = pgTransactions(consumerPool);
  return {
    transactions,
    note: (n) => transactions[transactions.length - 1]!.push(n),
    runner: (fn) => {
      transactions.push([]);
      return base(fn);
    },
  };
}

/**
 * Declares the queue, then lets `publish` fill it while nobody consumes, so the next consumer
 * receives everything at once and forms one full batch.
 */
async function queueUp(concern: string, type: string, publish: () => Promise<void>): Promise<void> {
  const declaring = await messaging.consume({ concern, events: [type], handler: recordEffect });
  await declaring.close();
  await publish();
}

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const found = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (found?.values ?? []).filter((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value)).reduce((s, v) => s + v.value, 0);
}

async function effectsOf(ids: string[]): Promise<{ n: number; at: number }[]> {
  const { rows } = await env.pool.query('SELECT n, applied_at FROM effect WHERE message_id = ANY($1::uuid[]) ORDER BY n', [ids]);
  return rows.map((r: { n: number; applied_at: Date }) => ({ n: r.n, at: r.applied_at.getTime() }));
}

test('one poison message in a batch of 50: its 49 neighbours take effect at once and only it is retried', async () => {
  const POISON = 25;
  const envelopes = Array.from({ length: 50 }, (_, n) => messaging.envelope('test.batch_poison', { n }));
  await queueUp('poison', 'test.batch_poison', async () => {
    for (const e of envelopes) await messaging.publisher.publish(e);
  });

  const { runner, transactions, note } = recordingTransactions();
  const attempts: { n: number; attempt: number }[] = [];
  const startedAt = Date.now();
  await messaging.consume({
    concern: 'poison',
    events: ['test.batch_poison'],
    batchSize: 50,
    batchWaitMs: 300,
    transaction: runner,
    handler: async (envelope, ctx) => {
      const { n } = envelope.data as TestData;
      note(n);
      attempts.push({ n, attempt: ctx.attempt });
      if (n === POISON && ctx.attempt === 1) throw new Error('poison on its first attempt');
      await recordEffect(envelope, ctx);
    },
  });

  const ids = envelopes.map((e) => e.id);
  const applied = await waitForStableCount(async () => (await effectsOf(ids)).length, { atLeast: 50, stableMs: 1_000, timeoutMs: 30_000 });
  expect(applied).toBe(50);
  // The 50 really arrived as one batch: the first transaction ran the handler up to the poison.
  expect(transactions[0]).toEqual(Array.from({ length: POISON + 1 }, (_, n) => n));

  const effects = await effectsOf(ids);
  const poison = effects.find((e) => e.n === POISON)!;
  const neighbours = effects.filter((e) => e.n !== POISON);
  expect(neighbours).toHaveLength(49);
  // "At once": every neighbour took effect before the poison's single retry was even due.
  expect(Math.max(...neighbours.map((e) => e.at)) - startedAt).toBeLessThan(RETRY_MS);
  expect(poison.at - startedAt).toBeGreaterThanOrEqual(RETRY_MS - 50);
  // Only the poison ever saw a second attempt.
  expect(attempts.filter((a) => a.attempt > 1).map((a) => a.n)).toEqual([POISON]);
  expect(await metric('runfleet_consumer_retries_total', { queue: 'batchsvc.poison' })).toBe(1);
  expect(await metric('runfleet_consumer_messages_total', { queue: 'batchsvc.poison', outcome: 'processed' })).toBe(50);
  expect(await listDeadLetters(env.vhost.url, 'batchsvc.poison')).toEqual([]);
});

test('the same message id twice within one batch has one effect', async () => {
  const envelopes = Array.from({ length: 20 }, (_, n) => messaging.envelope('test.batch_duplicate', { n }));
  const twice = envelopes[7]!;
  await queueUp('duplicate', 'test.batch_duplicate', async () => {
    for (const e of envelopes) await messaging.publisher.publish(e);
    // a second copy of message 7 (an outbox re-publish, say) lands in the same batch
    await messaging.publisher.publish(twice);
  });

  const { runner, transactions, note } = recordingTransactions();
  await messaging.consume({
    concern: 'duplicate',
    events: ['test.batch_duplicate'],
    batchSize: 50,
    batchWaitMs: 300,
    transaction: runner,
    handler: async (envelope, ctx) => {
      note((envelope.data as TestData).n);
      await recordEffect(envelope, ctx);
    },
  });

  const ids = envelopes.map((e) => e.id);
  const applied = await waitForStableCount(async () => (await effectsOf(ids)).length, { atLeast: 20, stableMs: 1_500, timeoutMs: 30_000 });
  expect(applied).toBe(20);
  expect((await effectsOf([twice.id])).length).toBe(1);
  // Both copies were in the one batch, and the second counted as a duplicate.
  expect(transactions).toHaveLength(1);
  expect(await metric('runfleet_consumer_messages_total', { queue: 'batchsvc.duplicate', outcome: 'duplicate' })).toBe(1);
  expect(await metric('runfleet_consumer_messages_total', { queue: 'batchsvc.duplicate', outcome: 'processed' })).toBe(20);
});
