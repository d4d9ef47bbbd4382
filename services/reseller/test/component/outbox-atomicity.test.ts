// Every reseller use case that emits an event commits the event with its state change or not at all
// (issue 13 item 9, DESIGN.md §6). Each runs twice: while the database refuses to commit any
// transaction that wrote an outbox row, and while it refuses any that wrote a state row (the refusal
// comes at COMMIT, after everything else). Either way the request fails and no table changed — a
// state change or an event committed in a transaction of its own would survive — and no event
// reaches the broker. The next service copies this file: a list of use cases, each with its setup and call.
import { randomUUID } from 'node:crypto';
import { connect, type ChannelModel } from 'amqplib';
import { EVENTS_EXCHANGE, type Envelope } from '@runfleet/contracts';
import { createMessaging, type Messaging } from '@runfleet/messaging';
import { createLogger } from '@runfleet/service-kit';
import { createTestVhost, refuseCommitsWriting, snapshotTables, type TestVhost } from '@runfleet/test-infra';
import { applyOrderPaid } from '../../src/domain/apply-order-payment';
import { markPaid, placeOrderAs, seedResoldOffering } from '../support/commerce-fixtures';
import { waitFor } from '../support/broker';
import { createWorld, type World } from '../support/world';

jest.setTimeout(60_000);

const silent = createLogger({ service: 'reseller', level: 'silent' });
let world: World;
let vhost: TestVhost;
let messaging: Messaging;
let observer: ChannelModel;
let offeringId: string;
const received: Envelope[] = [];

beforeAll(async () => {
  world = await createWorld('reseller_outbox_atomicity');
  vhost = await createTestVhost('reseller_outbox_atomicity');
  // The service's relay, and an observer of everything on the exchange: a plain queue bound to
  // every event name (the reseller's own consumers are the contracts', so not one of those).
  messaging = createMessaging({ service: 'reseller', amqpUrl: vhost.url, databaseUrl: world.db.url, logger: silent, validate: (_type, data) => data });
  observer = await connect(vhost.url);
  const channel = await observer.createChannel();
  await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, EVENTS_EXCHANGE, '#');
  await channel.consume(queue, (msg) => {
    if (msg) received.push(JSON.parse(msg.content.toString('utf8')) as Envelope);
  }, { noAck: true });
  messaging.startRelay({ pollIntervalMs: 100 });
  ({ offeringId } = await seedResoldOffering(world));
});

afterAll(async () => {
  await messaging?.close();
  await observer?.close().catch(() => undefined);
  await world?.close();
  await vhost?.drop();
});

async function published(): Promise<number> {
  return world.prisma.outboxEvent.count({ where: { publishedAt: { not: null } } });
}

interface UseCase {
  name: string;
  /** state the call needs, made with commits allowed; returns what the call uses */
  setup?: () => Promise<string>;
  /** the use case, through its entry point; resolves with the HTTP status, or rejects */
  call: (id: string) => Promise<number>;
  /** false when the use case only emits (nothing to refuse in the 'state' run) */
  writesState?: boolean;
}

const http = (res: { status: number; headers: Record<string, string> }) => {
  // A refused commit is a server error, reported as a problem document, not a success.
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  return res.status;
};

const useCases: UseCase[] = [
  {
    name: 'create a reseller (reseller.created)',
    call: async () => http(await world.as('admin').post('/v1/resellers', { name: 'Atomic', email: 'atomic@example.com', commissionRateBps: 500 })),
  },
  {
    name: 'update a reseller (reseller.updated)',
    call: async () => http(await world.as('admin').patch(`/v1/resellers/${world.ids.resellerA}`, { commissionRateBps: 1700 })),
  },
  {
    name: 'create a customer (customer.created)',
    call: async () => http(await world.as('resellerA').post('/v1/customers', { name: 'Atomic Co', email: 'co@example.com' })),
  },
  {
    name: 'update a customer (customer.updated)',
    call: async () => http(await world.as('resellerA').patch(`/v1/customers/${world.ids.customerA}`, { email: 'changed@example.com' })),
  },
  {
    name: 'create a project (project.created)',
    call: async () => http(await world.as('admin').post('/v1/projects', { name: 'atomic', customerId: world.ids.customerA })),
  },
  {
    name: 'archive a project (project.archived)',
    setup: async () => (await world.as('admin').post('/v1/projects', { name: 'to-archive', customerId: world.ids.customerA })).body.id,
    call: async (id) => http(await world.as('admin').post(`/v1/projects/${id}/archive`)),
  },
  {
    name: 'revoke an API key (apikey.revoked)',
    setup: async () => (await world.as('admin').post('/v1/api-keys', { name: 'k', ownerType: 'customer', ownerId: world.ids.customerA })).body.id,
    call: async (id) => http(await world.as('admin').post(`/v1/api-keys/${id}/revoke`)),
  },
  {
    name: 'place an order (order.created)',
    call: async () => http(await world.as('customerA').post('/v1/orders', { offeringId, quantity: 2 })),
  },
  {
    name: 'cancel an order (order.cancelled)',
    setup: async () => String((await placeOrderAs(world, 'customerA', offeringId)).id),
    call: async (id) => http(await world.as('customerA').post(`/v1/orders/${id}/cancel`, {})),
  },
  {
    name: 'fulfil an order (order.fulfilled)',
    setup: async () => {
      const id = String((await placeOrderAs(world, 'customerA', offeringId)).id);
      await markPaid(world, id);
      return id;
    },
    call: async (id) => http(await world.as('resellerA').post(`/v1/orders/${id}/fulfil`, { externalOrderId: 'prov-1', details: { host: 'db.example' } })),
  },
  {
    name: 'fail an order (order.failed)',
    setup: async () => {
      const id = String((await placeOrderAs(world, 'customerA', offeringId)).id);
      await markPaid(world, id);
      return id;
    },
    call: async (id) => http(await world.as('resellerA').post(`/v1/orders/${id}/fail`, { reason: 'provider down' })),
  },
  {
    name: 'a payment for a cancelled order (order.paid consumer: a refund request and order.refund_requested)',
    setup: async () => {
      const id = String((await placeOrderAs(world, 'customerA', offeringId)).id);
      expect((await world.as('customerA').post(`/v1/orders/${id}/cancel`, {})).status).toBe(200);
      return id;
    },
    call: async (id) => {
      const order = await world.prisma.resellerOrder.findUniqueOrThrow({ where: { id } });
      await world.prisma.$transaction((tx) =>
        applyOrderPaid(
          tx,
          {
            id: randomUUID(),
            data: {
              orderId: id,
              customerId: order.customerId,
              resellerId: order.resellerId,
              offeringId: order.offeringId,
              offeringName: order.offeringName,
              providerId: order.providerId,
              basePrice: '0',
              commission: '0',
              total: '0',
              currency: order.currency,
              transactionId: randomUUID(),
            },
          },
          world.clock.now(),
          silent,
        ),
      );
      return 200;
    },
  },
];

describe.each(['outbox', 'state'] as const)('commits refused for transactions writing %s rows', (refused) => {
  test.each(useCases.filter((u) => refused === 'outbox' || u.writesState !== false))('$name: the request fails and no table changed', async ({ setup, call }) => {
    const id = setup ? await setup() : '';
    // The relay marking the setup's events published would change the outbox table mid-test.
    await waitFor(async () => (await world.count('outbox_event')) === (await published()), 'the relay published the setup events');
    const before = await snapshotTables(world.db.url);

    const outcome = await refuseCommitsWriting(world.db.url, refused, () => call(id).catch((err: unknown) => err));

    if (typeof outcome === 'number') expect(outcome).toBe(500);
    else expect(String(outcome)).toMatch(/may not commit/);
    expect(await snapshotTables(world.db.url)).toEqual(before);
  });
});

test('none of the refused events reached the broker', async () => {
  // A marker committed after all of them: once it is on the broker, anything the relay had would be too.
  const marker = await world.as('admin').post('/v1/resellers', { name: 'Marker', email: 'marker@example.com', commissionRateBps: 100 });
  expect(marker.status).toBe(201);
  messaging.outboxCommitted();
  await waitFor(() => received.some((e) => JSON.stringify(e.data).includes(marker.body.id)), 'the marker event is on the broker');
  const names = received.map((e) => JSON.stringify(e.data));
  expect(names.filter((d) => /Atomic|atomic@|changed@example|"commissionRateBps":1700/.test(d))).toEqual([]);
});
