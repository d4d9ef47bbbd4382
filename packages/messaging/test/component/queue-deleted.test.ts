// Topology re-declared after the broker lost its definitions (issue 13 item 11, DESIGN.md §6): the
// queues of a running service are deleted through the management API; its consumers declare them
// again (main, retry and dead-letter queues, bindings) and go on consuming, on their own channels,
// without the service's connection being torn down.
import { connect, type ChannelModel } from 'amqplib';
import { deleteQueueByManagement } from '@runfleet/test-infra';
import { createMessaging, pgExecutor, type Messaging } from '../../src';
import { createMessagingTestEnv, recordEffect, testLogger, testValidator, waitFor, type MessagingTestEnv } from '../support/messaging-test-env';

jest.setTimeout(60_000);

let env: MessagingTestEnv;
let messaging: Messaging;
let broker: ChannelModel;

beforeAll(async () => {
  env = await createMessagingTestEnv('msg_queue_deleted');
  broker = await connect(env.vhost.url);
  broker.on('error', () => undefined);
});
afterAll(async () => {
  await messaging?.close();
  await broker?.close().catch(() => undefined);
  await env?.drop();
});

async function emit(type: string, n: number): Promise<void> {
  const client = await env.pool.connect();
  try {
    await client.query('BEGIN');
    await messaging.emit(pgExecutor(client), type, { n } as never);
    await client.query('COMMIT');
    messaging.outboxCommitted();
  } finally {
    client.release();
  }
}

/** Consumers subscribed to `queue` right now (0 when it does not exist). */
async function consumersOf(queue: string): Promise<number> {
  const channel = await broker.createChannel();
  channel.on('error', () => undefined);
  try {
    return (await channel.checkQueue(queue)).consumerCount;
  } catch {
    return 0;
  } finally {
    await channel.close().catch(() => undefined);
  }
}

async function exists(queue: string): Promise<boolean> {
  const channel = await broker.createChannel();
  channel.on('error', () => undefined);
  try {
    await channel.checkQueue(queue);
    return true;
  } catch {
    return false;
  } finally {
    await channel.close().catch(() => undefined);
  }
}

test('queues deleted under a running service are declared again and consumed from', async () => {
  messaging = createMessaging({
    service: 'lostsvc',
    amqpUrl: env.vhost.url,
    databaseUrl: env.db.url,
    logger: testLogger(),
    validate: testValidator,
    retryDelaysMs: [200],
  });
  let disconnects = 0;
  messaging.connection.on('disconnect', () => {
    disconnects += 1;
  });
  await messaging.consume({ concern: 'first', events: ['test.first'], handler: recordEffect });
  await messaging.consume({ concern: 'second', events: ['test.second'], handler: recordEffect });
  messaging.startRelay({ pollIntervalMs: 50 });
  await emit('test.first', 1);
  await emit('test.second', 2);
  await waitFor(async () => (await env.effects()).total === 2, { timeoutMs: 15_000, message: 'the first two effects' });

  const queues = ['lostsvc.first', 'lostsvc.second'].flatMap((q) => [`${q}.retry.200ms`, `${q}.dead`, q]);
  // Each main queue last: its deletion cancels the subscription, and the consumer at once declares
  // its retry and dead-letter queues again too, which a deletion after that would undo (on a loaded
  // machine the management API is slow enough for that to happen).
  for (const queue of queues) await deleteQueueByManagement(env.vhost.name, queue);

  await waitFor(async () => (await consumersOf('lostsvc.first')) === 1 && (await consumersOf('lostsvc.second')) === 1, {
    timeoutMs: 15_000,
    message: 'both queues declared again, with their consumer',
  });
  for (const queue of queues) expect(await exists(queue)).toBe(true);

  await emit('test.first', 3);
  await emit('test.second', 4);
  await waitFor(async () => (await env.effects()).distinct === 4, {
    timeoutMs: 15_000,
    message: async () => `effects after the queues came back: ${JSON.stringify(await env.effects())}`,
  });
  expect(disconnects).toBe(0);
});
