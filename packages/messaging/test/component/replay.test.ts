// Replaying dead letters with the CLI (issue 13 item 8): the dead copy is removed only once the
// broker confirmed the replayed copy into a queue. With the target queue deleted the replay fails and
// every dead letter survives — with or without a message id; `--all` replays everything once.
import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { waitForStableCount } from '@runfleet/test-infra';
import { createMessaging, listDeadLetters, ORIGINAL_QUEUE_HEADER, type Messaging } from '../../src';
import { runDeadLettersCli } from '../support/run-cli';
import { createMessagingTestEnv, recordEffect, testLogger, testValidator, waitFor, type MessagingTestEnv } from '../support/messaging-test-env';

jest.setTimeout(60_000);

let env: MessagingTestEnv;
let messaging: Messaging;

beforeAll(async () => {
  env = await createMessagingTestEnv('msg_replay');
  messaging = createMessaging({
    service: 'replaysvc',
    amqpUrl: env.vhost.url,
    databaseUrl: env.db.url,
    logger: testLogger(),
    validate: testValidator,
    // no retries: a failure goes straight to .dead
    retryDelaysMs: [],
  });
  await messaging.publisher.waitForConnect();
});
afterAll(async () => {
  await messaging.close();
  await env.drop();
});

/** A consumer whose handler fails while `broken` is set; returns the switch to repair it. */
async function consumerFailingUntilFixed(concern: string, type: string): Promise<{ fix(): void; close(): Promise<void> }> {
  let broken = true;
  const consumer = await messaging.consume({
    concern,
    events: [type],
    handler: async (envelope, ctx) => {
      if (broken) throw new Error('not deployed yet');
      await recordEffect(envelope, ctx);
    },
  });
  return { fix: () => (broken = false), close: () => consumer.close() };
}

async function deadLettered(queue: string, count: number): Promise<void> {
  await waitFor(async () => (await listDeadLetters(env.vhost.url, queue)).length === count, {
    timeoutMs: 15_000,
    message: async () => `${(await listDeadLetters(env.vhost.url, queue)).length} dead letters in ${queue}, expected ${count}`,
  });
}

async function withChannel<T>(fn: (channel: import('amqplib').ConfirmChannel) => Promise<T>): Promise<T> {
  const connection = await connect(env.vhost.url);
  try {
    return await fn(await connection.createConfirmChannel());
  } finally {
    await connection.close().catch(() => undefined);
  }
}

test('replay --all sends every dead letter back and removes it; each then takes effect once', async () => {
  const consumer = await consumerFailingUntilFixed('all', 'test.replay_all');
  const envelopes = Array.from({ length: 5 }, (_, n) => messaging.envelope('test.replay_all', { n }));
  for (const e of envelopes) await messaging.publisher.publish(e);
  await deadLettered('replaysvc.all', 5);

  consumer.fix();
  const replayed = await runDeadLettersCli(['replay', 'replaysvc.all', '--all'], env.vhost.url);
  expect(replayed).toMatchObject({ code: 0, stderr: '' });
  expect(replayed.stdout).toContain('5 replayed, 0 failed, 0 left in replaysvc.all.dead');

  const effects = await waitForStableCount(() => env.effects(), { atLeast: 5, stableMs: 1_000 });
  expect(effects).toEqual({ total: 5, distinct: 5 });
  expect(await listDeadLetters(env.vhost.url, 'replaysvc.all')).toEqual([]);
});

test('replay to a deleted queue (--id and --all): the copy is not confirmed into a queue and every dead letter survives', async () => {
  const consumer = await consumerFailingUntilFixed('gone', 'test.replay_gone');
  const envelopes = Array.from({ length: 3 }, (_, n) => messaging.envelope('test.replay_gone', { n }));
  for (const e of envelopes) await messaging.publisher.publish(e);
  await deadLettered('replaysvc.gone', 3);
  // The consumer's queue disappears (the service is gone and its queue deleted by hand, say)
  // before the operator replays. A running consumer would declare it again at once.
  await consumer.close();
  await withChannel(async (channel) => {
    await channel.deleteQueue('replaysvc.gone');
  });

  const one = await runDeadLettersCli(['replay', 'replaysvc.gone', '--id', envelopes[1]!.id], env.vhost.url);
  expect(one.code).toBe(1);
  expect(one.stdout).toContain(`NOT replayed ${envelopes[1]!.id} -> replaysvc.gone: queue replaysvc.gone does not exist`);
  const all = await runDeadLettersCli(['replay', 'replaysvc.gone', '--all'], env.vhost.url);
  expect(all.code).toBe(1);
  expect(all.stdout).toContain('0 replayed, 3 failed, 3 left in replaysvc.gone.dead');

  const survivors = await listDeadLetters(env.vhost.url, 'replaysvc.gone');
  expect(survivors.map((d) => d.messageId).sort()).toEqual(envelopes.map((e) => e.id).sort());
});

test('a dead letter without a message id survives a replay to a deleted queue', async () => {
  // A message dead-lettered by hand or by an old version, with no id: the return cannot be matched by id.
  const deadQueue = 'replaysvc.anonymous.dead';
  await withChannel(async (channel) => {
    await channel.assertQueue(deadQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    channel.sendToQueue(deadQueue, Buffer.from(JSON.stringify({ note: randomUUID() })), {
      persistent: true,
      headers: { [ORIGINAL_QUEUE_HEADER]: 'replaysvc.anonymous' },
    });
    await channel.waitForConfirms();
  });

  const result = await runDeadLettersCli(['replay', deadQueue, '--all'], env.vhost.url);
  expect(result.code).toBe(1);
  expect(result.stdout).toContain('0 replayed, 1 failed');
  expect(await listDeadLetters(env.vhost.url, deadQueue)).toHaveLength(1);
});
