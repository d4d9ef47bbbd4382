// Top-ups from the payment provider (issue 15 item 7, acceptance "the same webhook event 10 times →
// one credit" and "a tampered or stale webhook signature → 4xx"): payloads are signed with the
// `stripe` package's own test-header helper, exactly as Stripe signs them.
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import request from 'supertest';
import { verifyLedger } from '../../src/domain/verify-ledger';
import { createWorld, outboxEvents, WEBHOOK_SECRET, type World } from '../support/world';

jest.setTimeout(60_000);

let world: World;

beforeAll(async () => {
  world = await createWorld('billing_payments_webhook', { poolMax: 6 });
});

afterAll(async () => {
  await world?.close();
});

function paymentSucceeded(walletId: string, amountCents: number, currency = 'eur', id = `evt_${randomUUID().replace(/-/g, '')}`) {
  return {
    id,
    object: 'event',
    type: 'payment_intent.succeeded',
    data: { object: { id: `pi_${randomUUID().slice(0, 8)}`, object: 'payment_intent', amount_received: amountCents, currency, metadata: { walletId } } },
  };
}

function deliver(payload: string, signature: string) {
  return request(world.app).post('/v1/payments/webhook').set('content-type', 'application/json').set('stripe-signature', signature).send(payload);
}

const sign = (payload: string, options: { secret?: string; timestamp?: number } = {}) =>
  Stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? WEBHOOK_SECRET, ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}) });

describe('payment provider webhook', () => {
  it('the same event delivered 10 times, 5 of them at once, credits the wallet once', async () => {
    const wallet = await world.newCustomerWallet();
    const payload = JSON.stringify(paymentSucceeded(wallet.id, 2550));
    const signature = sign(payload);
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => deliver(payload, signature)));
    const sequential = [];
    for (let i = 0; i < 5; i += 1) sequential.push(await deliver(payload, sign(payload)));
    const answers = [...concurrent, ...sequential];
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
    expect(new Set(answers.map((a) => a.body.transactionId)).size).toBe(1);
    expect((await world.wallet(wallet.id)).balance).toBe(25_500_000n);
    const credited = (await outboxEvents(world.prisma, 'wallet.credited')).filter((d) => d.walletId === wallet.id);
    expect(credited).toEqual([expect.objectContaining({ amount: '25.500000', source: 'payment_provider', reference: { kind: 'topup', id: JSON.parse(payload).id } })]);
  });

  it('converts zero-decimal currencies exactly (¥500 is 500.000000)', async () => {
    const wallet = await world.newCustomerWallet({ currency: 'JPY' });
    const payload = JSON.stringify(paymentSucceeded(wallet.id, 500, 'jpy'));
    expect((await deliver(payload, sign(payload))).status).toBe(200);
    expect((await world.wallet(wallet.id)).balance).toBe(500_000_000n);
  });

  it.each([
    ['a tampered body', (p: string) => ({ body: p.replace('2550', '255000'), signature: sign(p) })],
    ['a stale signature', (p: string) => ({ body: p, signature: sign(p, { timestamp: Math.floor(Date.now() / 1000) - 3600 }) })],
    ['another secret', (p: string) => ({ body: p, signature: sign(p, { secret: 'whsec_somebody_else' }) })],
    ['no signature', (p: string) => ({ body: p, signature: '' })],
  ])('%s is 400 problem+json naming the signature header, and nothing is written', async (_label, make) => {
    const wallet = await world.newCustomerWallet();
    const { body, signature } = make(JSON.stringify(paymentSucceeded(wallet.id, 2550)));
    const entries = await world.count('ledger_entry');
    const res = signature ? await deliver(body, signature) : await request(world.app).post('/v1/payments/webhook').set('content-type', 'application/json').send(body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'headers.stripe-signature' })]);
    expect(await world.count('ledger_entry')).toBe(entries);
    expect((await world.wallet(wallet.id)).balance).toBe(0n);
  });

  it('a signed payment for a wallet that does not exist, or in another currency, is 400 naming the field', async () => {
    const missing = JSON.stringify(paymentSucceeded(randomUUID(), 100));
    const res = await deliver(missing, sign(missing));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('body.data.object.metadata.walletId');
    const wallet = await world.newCustomerWallet();
    const usd = JSON.stringify(paymentSucceeded(wallet.id, 100, 'usd'));
    const other = await deliver(usd, sign(usd));
    expect(other.status).toBe(400);
    expect(other.body.errors[0].field).toBe('body.data.object.currency');
    expect((await world.wallet(wallet.id)).balance).toBe(0n);
  });

  it('a signed event whose id PostgreSQL cannot store (a NUL) is 400 naming body.id, and nothing is written', async () => {
    const wallet = await world.newCustomerWallet();
    const payload = JSON.stringify(paymentSucceeded(wallet.id, 100, 'eur', 'evt_nul\u0000here'));
    const entries = await world.count('ledger_entry');
    const res = await deliver(payload, sign(payload));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'body.id' })]);
    expect(await world.count('ledger_entry')).toBe(entries);
    expect((await world.wallet(wallet.id)).balance).toBe(0n);
  });

  it('other event types are acknowledged and change nothing', async () => {
    const payload = JSON.stringify({ id: 'evt_other', object: 'event', type: 'customer.created', data: { object: {} } });
    const res = await deliver(payload, sign(payload));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true, handled: false });
    expect((await verifyLedger(world.prisma)).violations).toEqual([]);
  });
});
