// Revocations keep arriving after the broker lost the gateway's queue (issue 13 item 11): the queue
// api-gateway.apikey-revocations is deleted under the running consumer (management API); the
// consumer declares it again and the next apikey.revoked still drops the key.
import { randomUUID } from 'node:crypto';
import { connect, type ChannelModel } from 'amqplib';
import { EVENTS_EXCHANGE } from '@runfleet/contracts';
import { buildEnvelope, connectAmqp, envelopeProperties, type AmqpConnectionManager } from '@runfleet/messaging';
import { createLogger } from '@runfleet/service-kit';
import { createTestVhost, deleteQueueByManagement, type TestVhost } from '@runfleet/test-infra';
import { ApiKeyRevokedConsumer } from '../../src/messaging/apikey-revoked.consumer';

jest.setTimeout(60_000);

let vhost: TestVhost;
let amqp: AmqpConnectionManager;
let consumer: ApiKeyRevokedConsumer;
let broker: ChannelModel;
const dropped: string[] = [];

beforeAll(async () => {
  vhost = await createTestVhost('gateway_revocation_queue');
  const logger = createLogger({ service: 'api-gateway', level: 'silent' });
  amqp = connectAmqp({ url: vhost.url, logger, name: 'api-gateway-test' });
  consumer = new ApiKeyRevokedConsumer({
    connection: amqp,
    dropCredential: async (keyId) => {
      dropped.push(keyId);
    },
    logger,
  });
  await consumer.start();
  broker = await connect(vhost.url);
  broker.on('error', () => undefined);
});
afterAll(async () => {
  await consumer?.close();
  await amqp?.close();
  await broker?.close().catch(() => undefined);
  await vhost?.drop();
});

async function revoke(keyId: string): Promise<void> {
  const envelope = buildEnvelope(
    'apikey.revoked',
    { keyId, prefix: 'rf_live_abc', ownerType: 'customer', ownerId: randomUUID() },
    { producer: 'reseller' },
  );
  const channel = await broker.createConfirmChannel();
  channel.publish(EVENTS_EXCHANGE, envelope.type, Buffer.from(JSON.stringify(envelope)), envelopeProperties(envelope));
  await channel.waitForConfirms();
  await channel.close();
}

async function waitUntil(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

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

it('declares its queue again when the broker deleted it, and goes on dropping revoked keys', async () => {
  const first = randomUUID();
  await revoke(first);
  await waitUntil(() => dropped.includes(first), 'the first revocation is applied');

  const queue = consumer.topology.queue;
  await deleteQueueByManagement(vhost.name, queue);
  await deleteQueueByManagement(vhost.name, consumer.topology.deadQueue);
  await waitUntil(async () => (await consumersOf(queue)) === 1, `${queue} is declared again and consumed`);

  const second = randomUUID();
  await revoke(second);
  await waitUntil(() => dropped.includes(second), 'the revocation published after the deletion is applied');
});
