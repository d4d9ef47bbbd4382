// The accounts' events leave through the outbox and the relay onto the real broker (DESIGN.md §3, §6):
// each state change is published once, as a contract-valid envelope from `reseller`.
import type { Envelope } from '@runfleet/contracts';
import { createMessaging, type Messaging } from '@runfleet/messaging';
import { createLogger } from '@runfleet/service-kit';
import { createTestVhost, type TestVhost } from '@runfleet/test-infra';
import { createWorld, type World } from '../support/world';

jest.setTimeout(30_000);

const EVENTS = [
  'reseller.created',
  'reseller.updated',
  'customer.created',
  'customer.updated',
  'project.created',
  'project.archived',
  'apikey.revoked',
] as const;

let world: World;
let vhost: TestVhost;
let messaging: Messaging;
const received: Envelope[] = [];

beforeAll(async () => {
  world = await createWorld('reseller_events');
  vhost = await createTestVhost('reseller_events');
  messaging = createMessaging({
    service: 'reseller-probe',
    amqpUrl: vhost.url,
    databaseUrl: world.db.url,
    logger: createLogger({ service: 'reseller', level: 'silent' }),
  });
  await messaging.consume({
    concern: 'all',
    events: EVENTS,
    handler: async (envelope) => {
      received.push(envelope as Envelope);
    },
  });
  messaging.startRelay({ pollIntervalMs: 100 });
});

afterAll(async () => {
  await messaging?.close();
  await world?.close();
  await vhost?.drop();
});

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

it('publishes every accounts event once, from the reseller service, carrying the state consumers need', async () => {
  const reseller = await world.as('admin').post('/v1/resellers', { name: 'Evented', email: 'e@example.com', commissionRateBps: 700 });
  await world.as('admin').patch(`/v1/resellers/${reseller.body.id}`, { commissionRateBps: 900 });
  const customer = await world.as('admin').post('/v1/customers', { name: 'Evented Co', email: 'co@example.com', resellerId: reseller.body.id });
  await world.as('admin').patch(`/v1/customers/${customer.body.id}`, { email: 'new@example.com' });
  const project = await world.as('admin').post('/v1/projects', { name: 'evented', customerId: customer.body.id });
  await world.as('admin').post(`/v1/projects/${project.body.id}/archive`);
  const key = await world.as('admin').post('/v1/api-keys', { name: 'k', ownerType: 'customer', ownerId: customer.body.id });
  await world.as('admin').post(`/v1/api-keys/${key.body.id}/revoke`);

  const about = (id: string) => received.filter((e) => JSON.stringify(e.data).includes(id));
  await waitFor(() => about(customer.body.id).length >= 5 && about(reseller.body.id).length >= 3, 'events on the broker');

  const ours = (e: Envelope) => about(reseller.body.id).includes(e) || about(customer.body.id).includes(e);
  const byType = (type: string) => received.filter((e) => e.type === type && ours(e));
  expect(byType('reseller.created').map((e) => e.data)).toEqual([
    { resellerId: reseller.body.id, name: 'Evented', email: 'e@example.com', commissionRateBps: 700, tier: 'bronze', currency: 'EUR' },
  ]);
  expect(byType('project.created').map((e) => e.data)).toEqual([
    { projectId: project.body.id, customerId: customer.body.id, resellerId: reseller.body.id, name: 'evented' },
  ]);
  expect(byType('reseller.updated').map((e) => e.data)).toEqual([expect.objectContaining({ commissionRateBps: 900, changedFields: ['commissionRateBps'] })]);
  expect(byType('customer.created').map((e) => e.data)).toEqual([
    { customerId: customer.body.id, resellerId: reseller.body.id, email: 'co@example.com', name: 'Evented Co', currency: 'EUR' },
  ]);
  expect(byType('customer.updated').map((e) => e.data)).toEqual([expect.objectContaining({ email: 'new@example.com', changedFields: ['email'] })]);
  expect(byType('project.archived').map((e) => e.data)).toEqual([
    { projectId: project.body.id, customerId: customer.body.id, resellerId: reseller.body.id, name: 'evented' },
  ]);
  expect(byType('apikey.revoked').map((e) => e.data)).toEqual([
    { keyId: key.body.id, prefix: key.body.prefix, ownerType: 'customer', ownerId: customer.body.id },
  ]);
  expect(new Set(received.map((e) => e.producer))).toEqual(new Set(['reseller']));
  expect(JSON.stringify(received)).not.toContain(key.body.key);
});
