// The two queues on a real broker (issue 17 item 1): notifications.accounts keeps the read model from
// the reseller service's events; notifications.deliveries fans events out to the feed and email
// channels, once per event however often it is delivered.
import { randomUUID } from 'node:crypto';
import type { Envelope } from '@runfleet/contracts';
import { createMessaging, type Messaging } from '@runfleet/messaging';
import { createLogger, createMetrics } from '@runfleet/service-kit';
import { createTestVhost, type TestVhost } from '@runfleet/test-infra';
import { emailChannel } from '../../src/domain/email-channel';
import { feedChannel } from '../../src/domain/feed-channel';
import { consumeAccounts } from '../../src/messaging/accounts.consumer';
import { consumeDeliveries } from '../../src/messaging/deliveries.consumer';
import { waitFor } from '../support/wait-for';
import { createWorld, jobCompleted, type World } from '../support/world';

jest.setTimeout(60_000);

const silent = createLogger({ service: 'test', level: 'silent' });
let world: World;
let vhost: TestVhost;
let notifications: Messaging;
let reseller: Messaging;
let registry: Messaging;
let notificationsOut: Messaging;
const metrics = createMetrics('notifications').registry;

beforeAll(async () => {
  world = await createWorld('notifications_consumers');
  vhost = await createTestVhost('notifications_consumers');
  notifications = createMessaging({ service: 'notifications', amqpUrl: vhost.url, databaseUrl: world.db.url, logger: silent, registry: metrics, retryDelaysMs: [200] });
  reseller = createMessaging({ service: 'reseller', amqpUrl: vhost.url, logger: silent, registry: createMetrics('reseller').registry });
  registry = createMessaging({ service: 'runner-registry', amqpUrl: vhost.url, logger: silent, registry: createMetrics('runner-registry').registry });
  const now = () => new Date();
  await consumeAccounts(notifications, { prisma: world.prisma, now });
  await consumeDeliveries(notifications, { prisma: world.prisma, channels: [feedChannel(), emailChannel()] });
  notificationsOut = createMessaging({ service: 'notifications', amqpUrl: vhost.url, logger: silent, registry: createMetrics('notifications-out').registry });
  await Promise.all([reseller.publisher.waitForConnect(), registry.publisher.waitForConnect(), notificationsOut.publisher.waitForConnect()]);
});

afterAll(async () => {
  await notifications?.close();
  await reseller?.close();
  await registry?.close();
  await notificationsOut?.close();
  await vhost?.drop();
  await world?.close();
});

async function consumed(outcome: string): Promise<number> {
  const metric = await metrics.getSingleMetric('runfleet_consumer_messages_total')?.get();
  return metric?.values.find((v) => v.labels.queue === 'notifications.deliveries' && v.labels.outcome === outcome)?.value ?? 0;
}

const account = (accountId: string) => world.prisma.account.findUnique({ where: { accountType_accountId: { accountType: 'customer', accountId } } });

describe('notifications.accounts', () => {
  it('keeps a customer from customer.created, then its changes from customer.updated', async () => {
    const customerId = randomUUID();
    await reseller.publisher.publish(reseller.envelope('customer.created', { customerId, resellerId: world.ids.resellerA, email: 'new@customers.example', name: 'New', currency: 'EUR' }));
    await waitFor(async () => (await account(customerId)) !== null, 'the customer is known');
    expect(await account(customerId)).toMatchObject({ email: 'new@customers.example', name: 'New', resellerId: world.ids.resellerA, active: true, language: 'en' });
    await reseller.publisher.publish(reseller.envelope('customer.updated', { customerId, resellerId: world.ids.resellerA, email: 'renamed@customers.example', name: 'Renamed', active: false, changedFields: ['email', 'name', 'active'] }));
    await waitFor(async () => (await account(customerId))?.active === false, 'the change is applied');
    expect(await account(customerId)).toMatchObject({ email: 'renamed@customers.example', name: 'Renamed' });
  });
});

describe('notifications.deliveries', () => {
  it('gives each recipient one feed item and one email row per event, however often it arrives', async () => {
    const envelope: Envelope = registry.envelope('job.completed', jobCompleted(world.ids.customerA, world.ids.resellerA));
    await registry.publisher.publish(envelope);
    await registry.publisher.publish(envelope);
    await waitFor(async () => (await consumed('duplicate')) === 1, 'the second copy is recognised as a duplicate');
    expect(await world.prisma.feedItem.findMany({ where: { eventId: envelope.id }, select: { accountType: true, accountId: true }, orderBy: { accountType: 'asc' } })).toEqual([
      { accountType: 'customer', accountId: world.ids.customerA },
      { accountType: 'reseller', accountId: world.ids.resellerA },
    ]);
    expect(await world.prisma.emailSend.findMany({ where: { eventId: envelope.id }, select: { accountId: true, status: true } })).toEqual([{ accountId: world.ids.customerA, status: 'pending' }]);
  });

  it("mails and shows the dispatcher's own warning about a failing endpoint to the endpoint's owner, as security mail", async () => {
    // security mail: a preference turning the webhooks category off does not stop it
    await world.as('customerA').put('/v1/notification-preferences', { webhooks: { email: false } });
    const envelope: Envelope = notificationsOut.envelope('webhook.endpoint_failing', {
      endpointId: randomUUID(),
      accountType: 'customer',
      accountId: world.ids.customerA,
      url: 'https://hooks.example.com/runfleet',
      failingSince: new Date(Date.now() - 4 * 86_400_000).toISOString(),
      disableAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    await notificationsOut.publisher.publish(envelope);
    await waitFor(async () => (await world.prisma.emailSend.count({ where: { eventId: envelope.id } })) === 1, 'the warning is recorded for mail');
    expect(await world.prisma.feedItem.findMany({ where: { eventId: envelope.id }, select: { accountId: true } })).toEqual([{ accountId: world.ids.customerA }]);
  });
});
