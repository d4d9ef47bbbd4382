// Every billing use case that emits an event commits the event with its money movement or not at all
// (issue 13 item 9, DESIGN.md §5 "every balance change is one ledger entry in the same transaction",
// §6). Modelled on services/reseller/test/component/outbox-atomicity.test.ts: each use case runs
// twice, while the database refuses to commit any transaction that wrote an outbox row, and while it
// refuses any that wrote a state row (wallet, ledger, hold, order payment, idempotency key…); the
// refusal comes at COMMIT, after everything else. Either way the call fails, no table changed, and no
// event reaches the broker. Consumers' use cases are called in a transaction as their consumer runs
// them; HTTP ones through the app.
import { randomUUID } from 'node:crypto';
import { connect, type ChannelModel } from 'amqplib';
import Stripe from 'stripe';
import request from 'supertest';
import { EVENTS_EXCHANGE, type Envelope, type EventData } from '@runfleet/contracts';
import { createMessaging, type Messaging } from '@runfleet/messaging';
import { createLogger } from '@runfleet/service-kit';
import { createTestVhost, refuseCommitsWriting, snapshotTables, type TestVhost } from '@runfleet/test-infra';
import { MONEY_TRANSACTION } from '../../src/db';
import { approveDueCommissions } from '../../src/domain/approve-commissions';
import { earnOnCharge } from '../../src/domain/earn-commission';
import { expireAllDueHolds } from '../../src/domain/expire-holds';
import { termsOnCreated } from '../../src/domain/keep-reseller-terms';
import { DEFAULT_EARNINGS_POLICY } from '../../src/domain/use-case-deps';
import { checkAllOverdueWallets } from '../../src/domain/overdue-check';
import { payOrder, refundOrder } from '../../src/domain/order-payments';
import { placeJobHold } from '../../src/domain/place-job-hold';
import { refundRequestedCharge } from '../../src/domain/refund-requested-charge';
import { postJobHold, releaseJobHold } from '../../src/domain/settle-job-hold';
import { waitFor } from '../support/broker';
import { jobCharged, resellerCreated } from '../support/earnings';
import { jobCompleted, jobSubmitted, orderCreated } from '../support/events';
import { createWorld, UNIT, WEBHOOK_SECRET, type World } from '../support/world';

jest.setTimeout(60_000);

const silent = createLogger({ service: 'billing', level: 'silent' });
const HOLD_POLICY = { holdTtlMs: 3_600_000 };
let world: World;
let vhost: TestVhost;
let messaging: Messaging;
let observer: ChannelModel;
const received: Envelope[] = [];

beforeAll(async () => {
  world = await createWorld('billing_outbox_atomicity');
  vhost = await createTestVhost('billing_outbox_atomicity');
  // Billing's relay, and an observer of everything on the exchange: a plain queue bound to every
  // event name (billing's own consumers are the contracts', so not one of those).
  messaging = createMessaging({ service: 'billing', amqpUrl: vhost.url, databaseUrl: world.db.url, logger: silent, validate: (_type, data) => data });
  observer = await connect(vhost.url);
  const channel = await observer.createChannel();
  await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, EVENTS_EXCHANGE, '#');
  await channel.consume(queue, (msg) => {
    if (msg) received.push(JSON.parse(msg.content.toString('utf8')) as Envelope);
  }, { noAck: true });
  messaging.startRelay({ pollIntervalMs: 100 });
  const price = await world.as('admin').post('/v1/price-lists', { jobType: 'render', unit: 'second', unitPrice: '0.01', currency: 'EUR' });
  expect(price.status).toBe(201);
  await world.prisma.$transaction((tx) => termsOnCreated(tx, resellerCreated(world.ids.resellerA, 1000), DEFAULT_EARNINGS_POLICY.tierBonusBps));
});

/** A pending commission of reseller A; returns its id. */
async function pendingCommission(): Promise<string> {
  const charged = jobCharged(world.ids.customerA, world.ids.resellerA, 10n * UNIT);
  expect(await inTransaction((tx) => earnOnCharge(tx, charged, new Date(), silent))).toBe('earned');
  return (await world.prisma.commission.findFirstOrThrow({ where: { sourceId: charged.reference.id } })).id;
}

/** A payout of reseller A, requested; returns its id. */
async function requestedPayout(): Promise<string> {
  await world.fund(world.wallets.resellerA, 60n * UNIT);
  const method = await world.as('resellerA').post('/v1/payout-methods', { kind: 'paypal', email: 'money@acme.example' });
  const payout = await world.as('resellerA').post('/v1/payouts', { amount: '60', methodId: method.body.id }, randomUUID());
  expect(payout.status).toBe(201);
  return payout.body.id as string;
}

afterAll(async () => {
  await messaging?.close();
  await observer?.close().catch(() => undefined);
  await world?.close();
  await vhost?.drop();
});

async function published(): Promise<number> {
  return world.prisma.outboxEvent.count({ where: { publishedAt: { not: null } } });
}

/** A customer wallet with `units` in it; returns its owner (the customer) and id. */
async function fundedWallet(units: bigint): Promise<{ customerId: string; walletId: string }> {
  const wallet = await world.newCustomerWallet();
  if (units > 0n) await world.fund(wallet.id, units * UNIT);
  return { customerId: wallet.ownerId, walletId: wallet.id };
}

const inTransaction = <T>(fn: (tx: Parameters<Parameters<World['prisma']['$transaction']>[0]>[0]) => Promise<T>) =>
  world.prisma.$transaction(fn, MONEY_TRANSACTION);

/** The setup's committed order payment: the order and the charge order.paid named. */
async function paidOrder(total: string): Promise<{ order: EventData<'order.created'>; chargeId: string; walletId: string }> {
  const { customerId, walletId } = await fundedWallet(50n);
  const order = orderCreated(customerId, total);
  expect(await inTransaction((tx) => payOrder(tx, order))).toBe('paid');
  const payment = await world.prisma.orderPayment.findUniqueOrThrow({ where: { orderId: order.orderId } });
  return { order, chargeId: payment.chargeEntryId!, walletId };
}

async function heldJob(ttlMs = HOLD_POLICY.holdTtlMs): Promise<EventData<'job.submitted'>> {
  const { customerId } = await fundedWallet(10n);
  const job = jobSubmitted(customerId, { maxCost: '2' });
  expect(await inTransaction((tx) => placeJobHold(tx, job, new Date(), { holdTtlMs: ttlMs }))).toBe('placed');
  return job;
}

interface UseCase<S> {
  name: string;
  /** state the call needs, made with commits allowed */
  setup: () => Promise<S>;
  /** the use case, through its entry point; resolves with the HTTP status, or rejects */
  call: (state: S) => Promise<number>;
  /** false when the use case only emits (nothing to refuse in the 'state' run) */
  writesState?: boolean;
}

const http = (res: { status: number; headers: Record<string, string> }) => {
  // A refused commit is a server error, reported as a problem document, not a success.
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  return res.status;
};
const consumed = async (run: Promise<unknown>) => {
  await run;
  return 200;
};

const useCase = <S>(u: UseCase<S>) => u as UseCase<unknown>;

const useCases: UseCase<unknown>[] = [
  useCase({
    name: 'place a hold (job.submitted → wallet.hold_placed)',
    setup: () => fundedWallet(10n),
    call: ({ customerId }) => consumed(inTransaction((tx) => placeJobHold(tx, jobSubmitted(customerId), new Date(), HOLD_POLICY))),
  }),
  useCase({
    name: 'refuse a hold (job.submitted → wallet.hold_rejected)',
    setup: () => fundedWallet(0n),
    call: ({ customerId }) => consumed(inTransaction((tx) => placeJobHold(tx, jobSubmitted(customerId), new Date(), HOLD_POLICY))),
    writesState: false,
  }),
  useCase({
    name: 'post a hold (job.completed → wallet.charged, wallet.hold_released)',
    setup: () => heldJob(),
    call: (job) => consumed(inTransaction((tx) => postJobHold(tx, jobCompleted(job, '30'), new Date(), silent))),
  }),
  useCase({
    name: 'void a hold (job.cancelled → wallet.hold_released)',
    setup: () => heldJob(),
    call: (job) => consumed(inTransaction((tx) => releaseJobHold(tx, job.jobId, 'voided', new Date(), { type: 'system', id: null }))),
  }),
  useCase({
    name: 'expire a hold (the sweeper → wallet.hold_released)',
    setup: () => heldJob(1_000),
    call: () => consumed(expireAllDueHolds({ prisma: world.prisma, now: () => new Date(Date.now() + 7_200_000) })),
  }),
  useCase({
    name: 'pay an order (order.created → order.paid, wallet.charged)',
    setup: () => fundedWallet(10n),
    call: ({ customerId }) => consumed(inTransaction((tx) => payOrder(tx, orderCreated(customerId, '3')))),
  }),
  useCase({
    name: 'pay an order across the low-balance threshold (… and wallet.low_balance)',
    setup: async () => {
      const wallet = await fundedWallet(12n);
      const res = await world.as('admin').patch(`/v1/wallets/${wallet.walletId}`, { lowBalanceThreshold: '10', reason: 'atomicity test' });
      expect(res.status).toBe(200);
      return wallet;
    },
    call: ({ customerId }) => consumed(inTransaction((tx) => payOrder(tx, orderCreated(customerId, '5')))),
  }),
  useCase({
    name: 'refuse an order (order.created → order.payment_failed)',
    setup: () => fundedWallet(1n),
    call: ({ customerId }) => consumed(inTransaction((tx) => payOrder(tx, orderCreated(customerId, '30')))),
  }),
  useCase({
    name: 'refund a failed order (order.failed → wallet.refunded)',
    setup: () => paidOrder('4'),
    call: ({ order }) => consumed(inTransaction((tx) => refundOrder(tx, order, 'order failed: provider down', silent))),
  }),
  useCase({
    name: 'refund a charge the reseller cannot keep (order.refund_requested → wallet.refunded)',
    setup: () => paidOrder('4'),
    call: ({ order, chargeId }) =>
      consumed(
        inTransaction((tx) =>
          refundRequestedCharge(
            tx,
            { ...order, transactionId: chargeId, amount: order.total, reason: 'duplicate_payment', keptTransactionId: null, idempotencyKey: `order-refund:${chargeId}` },
            silent,
          ),
        ),
      ),
  }),
  useCase({
    name: 'credit a wallet (POST credits → wallet.credited)',
    setup: () => fundedWallet(0n),
    call: async ({ walletId }) =>
      http(await world.as('admin').post(`/v1/wallets/${walletId}/credits`, { amount: '5', currency: 'EUR', reason: 'atomicity' }, randomUUID())),
  }),
  useCase({
    name: 'refund a charge (POST refunds → wallet.refunded)',
    setup: () => paidOrder('6'),
    call: async ({ walletId, chargeId }) =>
      http(await world.as('admin').post(`/v1/wallets/${walletId}/refunds`, { transactionId: chargeId, amount: '1', reason: 'goodwill' }, randomUUID())),
  }),
  useCase({
    name: 'change credit settings (PATCH /v1/wallets/{id} → wallet.credit_changed)',
    setup: () => fundedWallet(0n),
    call: async ({ walletId }) => http(await world.as('admin').patch(`/v1/wallets/${walletId}`, { creditLimit: '25', creditStatus: 'suspended', reason: 'atomicity' })),
  }),
  useCase({
    name: 'the overdue check (→ wallet.overdue_reminder, wallet.credit_changed suspending it)',
    setup: async () => {
      const wallet = await fundedWallet(0n);
      expect((await world.as('admin').patch(`/v1/wallets/${wallet.walletId}`, { creditLimit: '10', reason: 'credit account' })).status).toBe(200);
      expect(await inTransaction((tx) => payOrder(tx, orderCreated(wallet.customerId, '5')))).toBe('paid');
      return wallet;
    },
    call: () =>
      consumed(checkAllOverdueWallets({ prisma: world.prisma, now: () => new Date(Date.now() + 31 * 86_400_000) }, { remindAfterDays: 7, suspendAfterDays: 30 })),
  }),
  useCase({
    name: 'earn a commission (wallet.charged → commission.earned)',
    setup: () => Promise.resolve(jobCharged(world.ids.customerA, world.ids.resellerA, 10n * UNIT)),
    call: (charged) => consumed(inTransaction((tx) => earnOnCharge(tx, charged, new Date(), silent))),
  }),
  useCase({
    name: 'approve a commission (POST approve → wallet.credited)',
    setup: () => pendingCommission(),
    call: async (id) => http(await world.as('admin').post(`/v1/commissions/${id}/approve`)),
  }),
  useCase({
    name: 'approve commissions by the job (→ wallet.credited)',
    setup: () => pendingCommission(),
    call: () => consumed(approveDueCommissions({ prisma: world.prisma, now: () => new Date(Date.now() + 15 * 86_400_000) }, { holdingDays: 14 })),
  }),
  useCase({
    name: 'request a payout (POST /v1/payouts → payout.requested)',
    setup: async () => {
      await world.fund(world.wallets.resellerA, 60n * UNIT);
      const method = await world.as('resellerA').post('/v1/payout-methods', { kind: 'paypal', email: 'money@acme.example' });
      return method.body.id as string;
    },
    call: async (methodId) => http(await world.as('resellerA').post('/v1/payouts', { amount: '60', methodId }, randomUUID())),
  }),
  useCase({
    name: 'complete a payout (→ payout.completed)',
    setup: () => requestedPayout(),
    call: async (id) => http(await world.as('admin').post(`/v1/payouts/${id}/complete`, { reference: 'SEPA-1' })),
  }),
  useCase({
    name: 'fail a payout (→ payout.failed)',
    setup: () => requestedPayout(),
    call: async (id) => http(await world.as('admin').post(`/v1/payouts/${id}/fail`, { reason: 'account closed' })),
  }),
  useCase({
    name: "a payment provider's top-up (POST /v1/payments/webhook → wallet.credited)",
    setup: () => fundedWallet(0n),
    call: async ({ walletId }) => {
      const payload = JSON.stringify({
        id: `evt_${randomUUID().replace(/-/g, '')}`,
        object: 'event',
        type: 'payment_intent.succeeded',
        data: { object: { id: 'pi_atomic', object: 'payment_intent', amount_received: 700, currency: 'eur', metadata: { walletId } } },
      });
      const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
      return http(await request(world.app).post('/v1/payments/webhook').set('content-type', 'application/json').set('stripe-signature', signature).send(payload));
    },
  }),
];

describe.each(['outbox', 'state'] as const)('commits refused for transactions writing %s rows', (refused) => {
  test.each(useCases.filter((u) => refused === 'outbox' || u.writesState !== false))('$name: the call fails and no table changed', async ({ setup, call }) => {
    const state = await setup();
    // The relay marking the setup's events published would change the outbox table mid-test.
    await waitFor(async () => (await world.count('outbox_event')) === (await published()), 'the relay published the setup events');
    const before = await snapshotTables(world.db.url);

    const outcome = await refuseCommitsWriting(world.db.url, refused, () => call(state).catch((err: unknown) => err));

    if (typeof outcome === 'number') expect(outcome).toBe(500);
    else expect(String(outcome)).toMatch(/may not commit/);
    expect(await snapshotTables(world.db.url)).toEqual(before);
  });
});

test('none of the refused events reached the broker', async () => {
  // A marker committed after all of them: once it is on the broker, anything the relay had would be too.
  const { walletId } = await fundedWallet(0n);
  const marker = await world.as('admin').post(`/v1/wallets/${walletId}/credits`, { amount: '1.25', currency: 'EUR', reason: 'marker' }, randomUUID());
  expect(marker.status).toBe(201);
  messaging.outboxCommitted();
  await waitFor(() => received.some((e) => e.type === 'wallet.credited' && (e.data as { transactionId: string }).transactionId === marker.body.id), 'the marker event is on the broker');
  const committed = new Set((await world.prisma.outboxEvent.findMany({ select: { id: true } })).map((r) => r.id));
  // Everything on the broker is a committed outbox row: none of the refused transactions' events got out.
  expect(received.filter((e) => !committed.has(e.id))).toEqual([]);
});
