// The payment provider's webhook through the gateway (issue 15 item 10): POST /v1/payments/webhook
// needs no credential, reaches the real billing service with the raw body byte for byte and the
// Stripe-Signature header, and nothing else of the caller's — no principal, no Authorization — under
// a per-IP rate limit and a body cap. Billing verifies the signature (made with the `stripe`
// package's own test-header helper): tampered → 400 from billing, valid → credited once however
// often it comes. Every other request without a credential is still 401.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import Stripe from 'stripe';
import { PRINCIPAL_HEADER } from '@runfleet/contracts';
import { listen } from '@runfleet/service-kit';
import { createWorld, WEBHOOK_SECRET, type World } from '../../../billing/test/support/world';
import { call, closeAgents, startGateway, type GatewayUnderTest } from '../support/gateway-under-test';

jest.setTimeout(60_000);

const PATH = '/v1/payments/webhook';

let world: World;
let billing: Server;
let gw: GatewayUnderTest;
/** a gateway in front of a recorder instead of billing, with a small budget and body cap */
let recorded: { headers: IncomingHttpHeaders; body: Buffer }[];
let recorder: Server;
let gwRecorded: GatewayUnderTest;

const urlOf = (server: Server) => {
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
};

beforeAll(async () => {
  world = await createWorld('gateway_payments_webhook', { poolMax: 6 });
  billing = await listen(world.app, 0);
  gw = await startGateway({ upstreams: { billing: urlOf(billing) } });
  recorded = [];
  recorder = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      recorded.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.setHeader('content-type', 'application/json');
      res.end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  gwRecorded = await startGateway({ upstreams: { billing: urlOf(recorder) }, env: { WEBHOOK_RATE_LIMIT_PER_MINUTE: '3', WEBHOOK_BODY_LIMIT_BYTES: '1024' } });
});

afterAll(async () => {
  await gw?.close();
  await gwRecorded?.close();
  for (const server of [billing, recorder]) {
    if (!server) continue;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await world?.close();
  await closeAgents();
});

function paymentSucceeded(walletId: string, amountCents: number) {
  return {
    id: `evt_${randomUUID().replace(/-/g, '')}`,
    object: 'event',
    type: 'payment_intent.succeeded',
    data: { object: { id: `pi_${randomUUID().slice(0, 8)}`, object: 'payment_intent', amount_received: amountCents, currency: 'eur', metadata: { walletId } } },
  };
}

const sign = (payload: string | Buffer, timestamp?: number) =>
  Stripe.webhooks.generateTestHeaderString({ payload: payload.toString(), secret: WEBHOOK_SECRET, ...(timestamp !== undefined ? { timestamp } : {}) });

const deliver = (base: string, body: string | Buffer, signature: string, from = '127.0.0.1') =>
  call(base, PATH, { method: 'POST', body, headers: { 'content-type': 'application/json', 'stripe-signature': signature }, from });

describe('the payment webhook through the gateway', () => {
  it('reaches billing without a credential; the same signed event 10 times (5 at once) credits the wallet once', async () => {
    const wallet = await world.newCustomerWallet();
    // Signed over these exact bytes: indentation, key order and a non-ASCII character must survive the gateway.
    const payload = JSON.stringify({ ...paymentSucceeded(wallet.id, 1999), note: 'Zoë ✓' }, null, 3);
    const signature = sign(payload);
    const concurrent = await Promise.all(Array.from({ length: 5 }, (_, i) => deliver(gw.url, payload, signature, `127.0.7.${i + 1}`)));
    const sequential = [];
    for (let i = 0; i < 5; i += 1) sequential.push(await deliver(gw.url, payload, sign(payload), '127.0.7.10'));
    const answers = [...concurrent, ...sequential];
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(answers.filter((a) => a.json().duplicate === false)).toHaveLength(1);
    expect((await world.wallet(wallet.id)).balance).toBe(19_990_000n);
  });

  it.each([
    ['a tampered body', (p: string) => ({ body: p.replace('2550', '2551'), signature: sign(p) })],
    ['a stale signature', (p: string) => ({ body: p, signature: sign(p, Math.floor(Date.now() / 1000) - 3600) })],
  ])('%s is 400 from billing naming the signature header, and nothing is credited', async (_label, make) => {
    const wallet = await world.newCustomerWallet();
    const { body, signature } = make(JSON.stringify(paymentSucceeded(wallet.id, 2550)));
    const entries = await world.count('ledger_entry');
    const res = await deliver(gw.url, body, signature, '127.0.7.20');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'PAYMENT_SIGNATURE_INVALID', errors: [{ field: 'headers.stripe-signature' }] });
    expect(await world.count('ledger_entry')).toBe(entries);
    expect((await world.wallet(wallet.id)).balance).toBe(0n);
  });

  it('forwards the raw bytes and Stripe-Signature, and neither a principal nor the caller’s credentials or cookies', async () => {
    recorded.length = 0;
    // not valid UTF-8 on purpose: a proxy that decoded and re-encoded the body would change it
    const body = Buffer.concat([Buffer.from('{"id":"evt_1", "x":"'), Buffer.from([0xff, 0xfe, 0x00, 0x80]), Buffer.from('"}\r\n')]);
    const res = await call(gwRecorded.url, `${PATH}?attempt=1`, {
      method: 'POST',
      body,
      key: 'rf_sk_AAAAAAAAAAAA_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
      headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': 't=1,v1=abc', cookie: 'session=1', [PRINCIPAL_HEADER]: 'forged', 'x-other': 'y' },
      from: '127.0.8.1',
    });
    expect(res.status).toBe(200);
    expect(recorded).toHaveLength(1);
    const [seen] = recorded;
    expect(seen!.body.equals(body)).toBe(true);
    expect(seen!.headers['stripe-signature']).toBe('t=1,v1=abc');
    expect(seen!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(seen!.headers['content-length']).toBe(String(body.length));
    for (const name of [PRINCIPAL_HEADER, 'authorization', 'cookie', 'x-other']) expect({ name, value: seen!.headers[name] }).toEqual({ name, value: undefined });
  });

  it('refuses a body over the cap with 413 before billing sees it', async () => {
    recorded.length = 0;
    const res = await deliver(gwRecorded.url, 'x'.repeat(1025), 't=1,v1=abc', '127.0.8.2');
    expect(res.status).toBe(413);
    expect(res.json()).toMatchObject({ code: 'REQUEST_TOO_LARGE' });
    expect(recorded).toHaveLength(0);
  });

  it('limits each client IP: past the budget 429 with Retry-After; another IP still gets through', async () => {
    recorded.length = 0;
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await deliver(gwRecorded.url, '{}', 't=1,v1=abc', '127.0.8.3')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await deliver(gwRecorded.url, '{}', 't=1,v1=abc', '127.0.8.3');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(recorded).toHaveLength(3);
    expect((await deliver(gwRecorded.url, '{}', 't=1,v1=abc', '127.0.8.4')).status).toBe(200);
  });

  it('opens nothing else: any other method, a longer or neighbouring path without a credential is 401', async () => {
    recorded.length = 0;
    const probes: [string, string][] = [
      ['GET', PATH],
      ['PUT', PATH],
      ['POST', `${PATH}/extra`],
      ['POST', `${PATH}/`],
      ['POST', '/v1/payments/webhooks'],
      ['POST', '/v1/payments'],
      ['GET', '/v1/wallets'],
    ];
    for (const [method, path] of probes) {
      const res = await call(gwRecorded.url, path, { method: method as 'GET', body: method === 'GET' ? undefined : '{}', from: '127.0.8.5' });
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 401 });
    }
    expect(recorded).toHaveLength(0);
  });
});
