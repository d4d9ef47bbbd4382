// Issue 18 items 1 and 7: the job and order sagas (DESIGN.md §4) end to end, the five services as
// processes, driven only through the gateway as clients would — a reseller with a commission rate,
// its customer with a wallet, the customer's own runner — and the money checked to the micro-unit.
// Along the way the suite plants secret canaries (S8) in its requests; the last test searches every
// log line, error body, dead letter, mail and webhook delivery for them.
import { randomUUID } from 'node:crypto';
import { startSmtpSink, type SmtpSink } from '@runfleet/test-infra';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { CanaryWatch, canaryIban, canaryStripeSecret } from '../support/canaries';
import { gatewayClient, waitFor, type GatewayClient } from '../support/gateway-client';
import { createAdminKey, startStack, type Stack } from '../support/stack';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

// The price and usage of the job, and what they must cost (DESIGN.md §5; docs/api.md "Billing: price lists"):
// 312.5 s × 0.012345 = 3.8578125 → rounded half up to the micro-unit once: 3.857813.
const UNIT_PRICE = '0.012345';
const UNITS = '312.5';
const JOB_COST = '3.857813';
// The reseller's 15 % (bronze: no tier bonus) of it: 0.57867195 → half down, anything above the half up: 0.578672.
const RATE_BPS = 1500;
const JOB_COMMISSION = '0.578672';
// An order of 100.00 through a relationship of 12.5 %: 112.50, of which the reseller earns 15 % on fulfilment.
const ORDER_TOTAL = '112.500000';
const ORDER_COMMISSION = '16.875000';

const canaries = new CanaryWatch();
const stripeSecret = canaries.plant('stripe-webhook-secret', canaryStripeSecret(), true);
const timings: Array<{ step: string; ms: number }> = [];
const summary: string[] = [];

let stack: Stack;
let smtp: SmtpSink;
let receiver: WebhookReceiver;
let api: GatewayClient;
const world = {} as {
  adminKey: string;
  reseller: { id: string; key: string };
  customer: { id: string; key: string; email: string; walletId: string };
  projectId: string;
  runnerToken: string;
  webhookSecret: string;
};

/** Runs one saga step and keeps how long it took, for the summary printed at the end. */
async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await run();
  timings.push({ step: name, ms: Date.now() - started });
  return result;
}

/** The customer's wallet's money, as the customer reads it. */
async function wallet(): Promise<{ balance: string; reserved: string; available: string }> {
  const answer = await api.get(`/v1/wallets/${world.customer.walletId}`, world.customer.key);
  if (answer.status !== 200) throw new Error(`GET wallet: ${answer.status} ${answer.text}`);
  const { balance, reserved, available } = answer.body;
  return { balance, reserved, available };
}

async function job(id: string): Promise<{ id: string; status: string; reason: string | null }> {
  return (await api.get(`/v1/jobs/${id}`, world.customer.key)).body;
}

async function order(id: string): Promise<{ id: string; status: string; total: string }> {
  return (await api.get(`/v1/orders/${id}`, world.customer.key)).body;
}

function submitJob(maxCost: string) {
  return api.post('/v1/jobs', world.customer.key, {
    projectId: world.projectId,
    type: 'render',
    payload: { scene: 'teapot.blend' },
    maxCost: { amount: maxCost, currency: 'EUR' },
  });
}

interface FeedItem {
  type: string;
  eventId: string;
  data: Record<string, unknown>;
}

/** The feed item of one event type about one subject, once notifications made it. */
async function feedItem(key: string, type: string, matches: (data: Record<string, unknown>) => boolean): Promise<FeedItem> {
  const find = (items: FeedItem[]) => items.find((item) => item.type === type && matches(item.data));
  const items = await waitFor(
    `a ${type} feed item`,
    async () => ((await api.get('/v1/feed?limit=100', key)).body?.items ?? []) as FeedItem[],
    (seen) => find(seen) !== undefined,
  );
  return find(items) as FeedItem;
}

beforeAll(async () => {
  smtp = await startSmtpSink();
  receiver = await startWebhookReceiver();
  stack = await startStack('sagas', {
    env: {
      notifications: { SMTP_URL: smtp.url, WEBHOOKS_ALLOW_INSECURE_LOOPBACK: 'true' },
      billing: { PAYMENT_WEBHOOK_SECRET: stripeSecret },
    },
  });
  api = gatewayClient(stack.gatewayUrl, canaries);

  world.adminKey = canaries.plant('api-key', createAdminKey(stack), true);
  await step('world: reseller, customer, keys, price list, runner', async () => {
    const reseller = await api.post('/v1/resellers', world.adminKey, { name: 'Northwind', email: 'ops@northwind.example', commissionRateBps: RATE_BPS });
    const resellerKey = await api.post('/v1/api-keys', world.adminKey, { name: 'northwind', ownerType: 'reseller', ownerId: reseller.id });
    world.reseller = { id: reseller.id, key: canaries.plant('api-key', resellerKey.key, true) };
    const email = `ada+${randomUUID().slice(0, 8)}@example.com`;
    const customer = await api.post('/v1/customers', world.reseller.key, { name: 'Ada Ltd', email });
    const customerKey = await api.post('/v1/api-keys', world.reseller.key, { name: 'ada', ownerType: 'customer', ownerId: customer.id });
    const key = canaries.plant('api-key', customerKey.key, true);
    world.projectId = (await api.post('/v1/projects', key, { name: 'render farm' })).id;
    await api.post('/v1/price-lists', world.adminKey, { jobType: 'render', unit: 'second', unitPrice: UNIT_PRICE, currency: 'EUR' });
    const registration = await api.post('/v1/registration-tokens', key, { description: 'ada render box', maxUses: 1 });
    const runner = await api.post('/v1/runners', canaries.plant('registration-token', registration.token, true), {
      name: 'ada-1',
      jobTypes: ['render'],
      capacity: 1,
      version: '1.0.0',
    });
    world.runnerToken = canaries.plant('runner-token', runner.token, true);
    // billing opens the wallet on customer.created
    const wallets = await waitFor(
      'the customer’s wallet',
      async () => (await api.get('/v1/wallets', key)).body?.items ?? [],
      (items: Array<{ id: string }>) => items.length === 1,
    );
    world.customer = { id: customer.id, key, email, walletId: (wallets[0] as { id: string }).id };
    // the customer's own receiver of its job events (http on loopback: the stack runs notifications with WEBHOOKS_ALLOW_INSECURE_LOOPBACK)
    const endpoint = await api.post('/v1/webhook-endpoints', key, { url: receiver.url, eventTypes: ['job.*'], description: 'e2e receiver' });
    world.webhookSecret = canaries.plant('webhook-secret', endpoint.secret, true);
  });
}, 180_000);

afterAll(async () => {
  if (timings.length > 0) {
    const width = Math.max(...timings.map((t) => t.step.length));
    const lines = [...timings.map((t) => `  ${t.step.padEnd(width)}  ${String(t.ms).padStart(6)} ms`), ...summary.map((line) => `  ${line}`)];
    process.stdout.write(`\nsaga step timings (e2e/test/sagas.test.ts):\n${lines.join('\n')}\n`);
  }
  await stack?.stop();
  await smtp?.close();
  await receiver?.close();
}, 60_000);

describe('the job saga through the gateway', () => {
  it('a job for an empty wallet is rejected with insufficient_funds, and nothing is held', async () => {
    expect(await wallet()).toMatchObject({ balance: '0.000000', reserved: '0.000000' });

    const submitted = await step('job (empty wallet): submit → rejected', async () => {
      const created = await submitJob('1.00');
      expect(created.status).toBe('pending_funds');
      return waitFor('the job rejected', () => job(created.id), (j) => j.status !== 'pending_funds');
    });

    expect(submitted).toMatchObject({ status: 'rejected', reason: 'insufficient_funds' });
    expect(await wallet()).toMatchObject({ balance: '0.000000', reserved: '0.000000' });
  }, 60_000);

  it('a funded job is held, queued, claimed, run and charged exactly by the price list; the reseller earns its commission; the customer sees it in the feed, by email and by a signed webhook', async () => {
    await step('wallet: credited 500.00 by the reseller', async () => {
      await api.post(`/v1/wallets/${world.customer.walletId}/credits`, world.reseller.key, { amount: '500.00', currency: 'EUR', reason: 'bank transfer' });
      await waitFor('the credit', wallet, (w) => w.balance === '500.000000');
    });

    const created = await step('job: submit → hold placed, queued', async () => {
      const submitted = await submitJob('10.00');
      await waitFor('the job queued', () => job(submitted.id), (j) => j.status === 'queued');
      return submitted;
    });
    expect(await wallet()).toMatchObject({ balance: '500.000000', reserved: '10.000000', available: '490.000000' });
    const holds = (await api.get(`/v1/holds?walletId=${world.customer.walletId}&status=pending`, world.customer.key)).body.items;
    expect(holds).toEqual([expect.objectContaining({ amount: '10.000000', reference: expect.objectContaining({ id: created.id }) })]);

    await step('runner: heartbeat, claim, start, complete', async () => {
      await api.post('/v1/runners/me/heartbeat', world.runnerToken, { version: '1.0.0', jobsRunning: 0, freeCapacity: 1 }, 200);
      const claimed = await api.post('/v1/runners/me/jobs/claim', world.runnerToken, { waitSeconds: 10 }, 200);
      expect(claimed).toMatchObject({ id: created.id, status: 'assigned' });
      await api.post(`/v1/runners/me/jobs/${created.id}/start`, world.runnerToken, {}, 200);
      await api.post(`/v1/runners/me/jobs/${created.id}/complete`, world.runnerToken, { units: UNITS, durationMs: 312_500 }, 200);
    });
    expect(await job(created.id)).toMatchObject({ status: 'succeeded', usage: { units: '312.500000', durationMs: 312_500 } });

    const charged = await step('billing: charged, hold posted', () =>
      waitFor('the charge', wallet, (w) => w.reserved === '0.000000'),
    );
    expect(charged).toMatchObject({ balance: '496.142187', reserved: '0.000000', available: '496.142187' });
    const charges = (await api.get(`/v1/wallets/${world.customer.walletId}/transactions?type=charge`, world.customer.key)).body.items;
    expect(charges).toEqual([expect.objectContaining({ amount: `-${JOB_COST}`, reference: expect.objectContaining({ kind: 'job', id: created.id }) })]);

    const commission = await step('billing: the reseller’s commission recorded', () =>
      waitFor(
        'the commission',
        async () => (await api.get('/v1/commissions?sourceKind=job', world.reseller.key)).body?.items ?? [],
        (items: unknown[]) => items.length > 0,
      ),
    );
    expect(commission).toEqual([
      expect.objectContaining({ customerId: world.customer.id, source: { kind: 'job', id: created.id }, base: JOB_COST, rateBps: RATE_BPS, amount: JOB_COMMISSION, status: 'pending' }),
    ]);

    const item = await step('notifications: feed item', () => feedItem(world.customer.key, 'job.completed', (data) => data.jobId === created.id));
    const mail = await step('notifications: email caught', () =>
      waitFor('the email', async () => smtp.mails.filter((m) => m.eventId === item.eventId), (mails) => mails.length > 0),
    );
    expect(mail.map((m) => m.to)).toEqual([[world.customer.email]]);

    const delivered = await step('notifications: webhook delivered', () =>
      waitFor(
        'the job.completed webhook',
        async () => receiver.received.filter((r) => r.headers['webhook-id'] === `msg_${item.eventId}`),
        (received) => received.length > 0,
      ),
    );
    const { body, headers } = delivered[0] as (typeof delivered)[number];
    const verified = new Webhook(world.webhookSecret).verify(body, headers as Record<string, string>);
    expect(verified).toMatchObject({ type: 'job.completed', data: { jobId: created.id } });
    expect(() => new Webhook(world.webhookSecret).verify(body.replace(created.id, randomUUID()), headers as Record<string, string>)).toThrow();
  }, 90_000);

  it('a cancelled job releases its hold: the wallet reserves nothing again', async () => {
    const before = await wallet();
    const created = await step('job: submit → queued → cancelled', async () => {
      const submitted = await submitJob('7.25');
      await waitFor('the job queued', () => job(submitted.id), (j) => j.status === 'queued');
      expect(await wallet()).toMatchObject({ reserved: '7.250000' });
      await api.post(`/v1/jobs/${submitted.id}/cancel`, world.customer.key, undefined, 200);
      return submitted;
    });

    await step('billing: hold released', () => waitFor('the hold released', wallet, (w) => w.reserved === '0.000000'));
    expect(await wallet()).toEqual(before);
    const holds = (await api.get(`/v1/holds?walletId=${world.customer.walletId}`, world.customer.key)).body.items;
    expect(holds.find((h: { reference: { id: string } }) => h.reference.id === created.id)).toMatchObject({ status: 'voided' });
    expect(await job(created.id)).toMatchObject({ status: 'cancelled' });
  }, 60_000);
});

describe('the order saga through the gateway', () => {
  let offeringId: string;

  beforeAll(async () => {
    await step('orders: provider, offering, relationship', async () => {
      const provider = await api.post('/v1/providers', world.adminKey, { name: `Acme Cloud ${randomUUID().slice(0, 8)}` });
      offeringId = (await api.post(`/v1/providers/${provider.id}/offerings`, world.adminKey, { name: 'Postgres S', basePrice: '100.00', currency: 'EUR', unit: 'month' })).id;
      await api.post('/v1/relationships', world.reseller.key, { providerId: provider.id, commissionBps: 1250 });
    });
  }, 30_000);

  it('an order placed is paid from the wallet, fulfilled by the reseller, and earns the reseller its commission', async () => {
    const before = await wallet();
    const placed = await step('order: placed → paid', async () => {
      const created = await api.post('/v1/orders', world.customer.key, { offeringId, quantity: 1 });
      expect(created).toMatchObject({ status: 'pending', total: ORDER_TOTAL });
      await waitFor('the order paid', () => order(created.id), (o) => o.status !== 'pending');
      return created;
    });
    expect(await order(placed.id)).toMatchObject({ status: 'paid' });
    expect(await wallet()).toMatchObject({ balance: subtract(before.balance, ORDER_TOTAL) });

    await step('order: fulfilled by the reseller', () =>
      api.post(`/v1/orders/${placed.id}/fulfil`, world.reseller.key, { externalOrderId: 'prov-1', details: { host: 'pg-1.provider.example' } }, 200),
    );
    expect(await order(placed.id)).toMatchObject({ status: 'fulfilled' });

    const commissions = await step('billing: the order’s commission recorded', () =>
      waitFor(
        'the order’s commission',
        async () => (await api.get('/v1/commissions?sourceKind=order', world.reseller.key)).body?.items ?? [],
        (items: unknown[]) => items.length > 0,
      ),
    );
    expect(commissions).toEqual([expect.objectContaining({ source: { kind: 'order', id: placed.id }, base: ORDER_TOTAL, amount: ORDER_COMMISSION })]);
    await step('notifications: order.fulfilled feed item', () => feedItem(world.customer.key, 'order.fulfilled', (data) => data.orderId === placed.id));
  }, 60_000);

  it('an order the reseller fails is refunded: the wallet is back where it was', async () => {
    const before = await wallet();
    const placed = await step('order: placed → paid → failed', async () => {
      const created = await api.post('/v1/orders', world.customer.key, { offeringId, quantity: 1 });
      await waitFor('the order paid', () => order(created.id), (o) => o.status !== 'pending');
      expect(await wallet()).toMatchObject({ balance: subtract(before.balance, ORDER_TOTAL) });
      await api.post(`/v1/orders/${created.id}/fail`, world.reseller.key, { reason: 'provider out of capacity' }, 200);
      return created;
    });

    await step('billing: refunded', () => waitFor('the refund', wallet, (w) => w.balance === before.balance));
    expect(await wallet()).toEqual(before);
    expect(await order(placed.id)).toMatchObject({ status: 'failed' });
    const refunds = (await api.get(`/v1/wallets/${world.customer.walletId}/transactions?type=refund`, world.customer.key)).body.items;
    expect(refunds).toEqual([expect.objectContaining({ amount: ORDER_TOTAL })]);
    const orderCommissions = (await api.get('/v1/commissions?sourceKind=order', world.reseller.key)).body.items;
    expect(orderCommissions.map((c: { source: { id: string } }) => c.source.id)).not.toContain(placed.id);
  }, 60_000);
});

describe('secret canaries (S8)', () => {
  it('secrets sent valid and forged, in credentials, bodies and signatures, appear in no log line, error body, dead letter, mail or webhook delivery', async () => {
    await step('canaries: planted', async () => {
      // forged credentials of every kind: the one 401
      for (const kind of ['api-key', 'runner-token', 'registration-token'] as const) {
        const forged = canaries.forge(kind);
        const path = kind === 'registration-token' ? '/v1/runners' : kind === 'runner-token' ? '/v1/runners/me' : '/v1/me';
        const answer = await api.call(kind === 'registration-token' ? 'POST' : 'GET', path, forged, kind === 'registration-token' ? { body: { name: 'x', jobTypes: ['render'], capacity: 1, version: '1' } } : {});
        expect(answer.status).toBe(401);
      }
      // valid secrets where they do not belong: in a body field that is refused, and as the wrong kind of credential
      const misplaced = await api.call('POST', '/v1/projects', world.customer.key, { body: { name: 'leaky', apiKey: world.customer.key, runnerToken: world.runnerToken } });
      expect(misplaced.status).toBe(400);
      expect((await api.call('GET', '/v1/me', world.runnerToken)).status).toBe(403);
      expect((await api.call('GET', '/v1/me', stripeSecret)).status).toBe(401);
      // webhook secrets (Standard Webhooks' whsec_…) as a credential and in a body
      const webhookSecret = canaries.forge('webhook-secret');
      expect((await api.call('GET', '/v1/me', webhookSecret)).status).toBe(401);
      expect((await api.call('POST', '/v1/projects', world.customer.key, { body: { name: 'hooks', secret: webhookSecret } })).status).toBe(400);
      const endpoints = (await api.get('/v1/webhook-endpoints', world.customer.key)).body.items as Array<{ id: string }>;
      for (const secret of [webhookSecret, world.webhookSecret]) {
        const patched = await api.call('PATCH', `/v1/webhook-endpoints/${endpoints[0]?.id}`, world.customer.key, { body: { secret } });
        expect(patched.status).toBe(400);
      }
      // payout IBANs: a valid one is stored and answered masked; one with wrong check digits is refused
      const iban = canaries.plant('payout-iban', canaryIban(true), true);
      const method = await api.call('POST', '/v1/payout-methods', world.reseller.key, { body: { kind: 'bank_transfer', accountHolder: 'Northwind GmbH', iban } });
      expect(method.status).toBe(201);
      expect(method.text).not.toContain(iban.slice(-10));
      const wrongIban = canaries.forge('payout-iban');
      const refused = await api.call('POST', '/v1/payout-methods', world.reseller.key, { body: { kind: 'bank_transfer', accountHolder: 'Northwind GmbH', iban: wrongIban } });
      expect(refused.status).toBe(400);
      // the payment provider's webhook: signed with the configured secret, with a forged one, and with the secret itself as the signature
      const payload = JSON.stringify({ id: `evt_${randomUUID()}`, object: 'event', type: 'customer.created', data: { object: { id: 'cus_1' } } });
      const webhook = (signature: string) =>
        api.call('POST', '/v1/payments/webhook', null, { body: payload, headers: { 'stripe-signature': signature }, idempotencyKey: false });
      expect((await webhook(Stripe.webhooks.generateTestHeaderString({ payload, secret: stripeSecret }))).status).toBe(200);
      const forgedStripe = canaries.forge('stripe-webhook-secret');
      expect((await webhook(Stripe.webhooks.generateTestHeaderString({ payload, secret: forgedStripe }))).status).toBe(400);
      expect((await webhook(`t=${Math.floor(Date.now() / 1000)},v1=${stripeSecret}`)).status).toBe(400);
      expect((await webhook(stripeSecret)).status).toBe(400);
    });

    // every process has written what it will about the requests above once each answered; the
    // last of them was the gateway's, so wait for its access line of the last webhook call
    await waitFor('the gateway’s last access log line', async () => stack.services['api-gateway'].lines.filter((l) => l.includes('/v1/payments/webhook')).length, (n) => n >= 4, 10_000);
    const report = await step('canaries: searched', () =>
      canaries.scan({
        lines: stack.allLines(),
        vhost: stack.vhost.name,
        texts: [
          ...smtp.mails.map((mail) => ({ where: `mail to ${mail.to.join(', ')}`, text: mail.raw })),
          ...receiver.received.map((hook) => ({ where: 'webhook delivery', text: `${JSON.stringify(hook.headers)}\n${hook.body}` })),
        ],
      }),
    );
    summary.push(
      `canaries: ${report.searched.canaries} planted; searched ${report.searched.lines} log lines, ${report.searched.errorBodies} error bodies, ` +
        `${report.searched.deadLetters} dead letters, ${report.searched.texts} mails and webhook deliveries; ${report.hits.length} hits`,
    );
    // a control: the search sees the processes' lines — a correlation id, on every line by design, is found
    const control = new CanaryWatch();
    const correlationId = control.plant('api-key', `e2e-control-${randomUUID()}`, false);
    expect((await api.call('GET', '/v1/me', world.customer.key, { headers: { 'x-correlation-id': correlationId } })).status).toBe(200);
    const seen = await waitFor(
      'the control in the gateway’s and the reseller service’s logs',
      async () => (await control.scan({ lines: stack.allLines() })).hits.map((hit) => hit.where),
      (where) => where.includes('log [api-gateway]') && where.includes('log [reseller]'),
      10_000,
    );
    expect(seen).toEqual(expect.arrayContaining(['log [api-gateway]', 'log [reseller]']));

    expect(report.hits).toEqual([]);
    expect(report.searched.canaries).toBeGreaterThanOrEqual(12);
    expect(report.searched.lines).toBeGreaterThan(100);
    expect(report.searched.errorBodies).toBeGreaterThanOrEqual(8);
    expect(report.searched.texts).toBeGreaterThan(2);
  }, 60_000);
});

/** a − b for decimal strings with six places (micro-units, as bigint) */
function subtract(a: string, b: string): string {
  const micros = (s: string) => BigInt(s.replace('.', ''));
  const value = micros(a) - micros(b);
  const sign = value < 0n ? '-' : '';
  const digits = (value < 0n ? -value : value).toString().padStart(7, '0');
  return `${sign}${digits.slice(0, -6)}.${digits.slice(-6)}`;
}
