// Poison (issue 3): one malformed message among 999 good ones lands in the dead-letter queue with its
// reason while the 999 are applied; an operator replays a corrected copy with the CLI → 1,000.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { connect, type Options } from 'amqplib';
import { createMessaging, envelopeProperties, listDeadLetters, pgExecutor, type Messaging } from '../../src';
import { runDeadLettersCli } from '../support/run-cli';
import {
  createMessagingTestEnv,
  recordEffect,
  testLogger,
  testValidator,
  waitFor,
  type MessagingTestEnv,
} from '../support/messaging-test-env';

jest.setTimeout(60_000);

let env: MessagingTestEnv;
let messaging: Messaging;
let workDir: string;

beforeAll(async () => {
  env = await createMessagingTestEnv('msg_poison');
  workDir = mkdtempSync(path.join(tmpdir(), 'runfleet-poison-'));
  messaging = createMessaging({
    service: 'poisonsvc',
    amqpUrl: env.vhost.url,
    databaseUrl: env.db.url,
    logger: testLogger(),
    validate: testValidator,
  });
  await messaging.consume({ concern: 'orders', events: ['test.order_placed'], handler: recordEffect });
  messaging.startRelay({ pollIntervalMs: 200 });
});
afterAll(async () => {
  await messaging.close();
  await env.drop();
  rmSync(workDir, { recursive: true, force: true });
});

/** A buggy producer that skips validation publishes straight to the exchange. */
async function publishRaw(body: Buffer, properties: Options.Publish): Promise<void> {
  const connection = await connect(env.vhost.url);
  try {
    const channel = await connection.createConfirmChannel();
    channel.publish('runfleet.events', 'test.order_placed', body, { persistent: true, ...properties });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

async function emitGood(from: number, count: number): Promise<void> {
  const client = await env.pool.connect();
  try {
    await client.query('BEGIN');
    const sql = pgExecutor(client);
    await messaging.writeOutbox(
      sql,
      Array.from({ length: count }, (_, i) => messaging.envelope('test.order_placed', { n: from + i })),
    );
    await client.query('COMMIT');
    messaging.outboxCommitted();
  } finally {
    client.release();
  }
}

test('a malformed message is dead-lettered with its reason, the 999 others are applied, and replaying it fixed makes 1,000', async () => {
  const poison = messaging.envelope('test.order_placed', { n: 999 });
  const malformed = { ...poison, data: { n: 'nine hundred ninety-nine' } };

  await emitGood(0, 500);
  await publishRaw(Buffer.from(JSON.stringify(malformed)), envelopeProperties(poison));
  await emitGood(500, 499);

  await waitFor(async () => (await env.effects()).total >= 999, {
    timeoutMs: 30_000,
    message: async () => `effects: ${JSON.stringify(await env.effects())}`,
  });
  await waitFor(async () => (await listDeadLetters(env.vhost.url, 'poisonsvc.orders')).length === 1, {
    timeoutMs: 10_000,
    message: 'the malformed message did not reach the dead-letter queue',
  });
  expect(await env.effects()).toEqual({ total: 999, distinct: 999 });

  const listed = await runDeadLettersCli(['list', 'poisonsvc.orders'], env.vhost.url);
  expect(listed.code).toBe(0);
  expect(listed.stdout).toContain('1 dead letter(s) in poisonsvc.orders.dead');
  expect(listed.stdout).toContain(poison.id);
  expect(listed.stdout).toContain('INVALID_DATA');
  expect(listed.stdout).toContain('data.n: expected an integer');
  expect(listed.stdout).toContain('attempts=1');

  const fixedFile = path.join(workDir, 'fixed.json');
  writeFileSync(fixedFile, JSON.stringify(poison));
  const replayed = await runDeadLettersCli(['replay', 'poisonsvc.orders', '--id', poison.id, '--body-file', fixedFile], env.vhost.url);
  expect(replayed.stderr).toBe('');
  expect(replayed.stdout).toContain(`replayed ${poison.id} -> poisonsvc.orders`);

  await waitFor(async () => (await env.effects()).total >= 1_000, { timeoutMs: 10_000, message: 'replayed message not applied' });
  expect(await env.effects()).toEqual({ total: 1_000, distinct: 1_000 });
  expect(await listDeadLetters(env.vhost.url, 'poisonsvc.orders')).toEqual([]);
});

test('a body that is not JSON goes straight to the dead-letter queue after one attempt, without retries', async () => {
  const messageId = randomUUID();
  await publishRaw(Buffer.from('<order>not json</order>'), { messageId, type: 'test.order_placed' });

  await waitFor(async () => (await listDeadLetters(env.vhost.url, 'poisonsvc.orders')).some((d) => d.messageId === messageId), {
    timeoutMs: 10_000,
    message: 'not dead-lettered',
  });
  const dead = (await listDeadLetters(env.vhost.url, 'poisonsvc.orders')).find((d) => d.messageId === messageId);
  expect(dead).toMatchObject({ reason: 'INVALID_JSON', attempts: 1, body: '<order>not json</order>' });
  expect(dead!.error).toMatch(/not JSON/);
});
