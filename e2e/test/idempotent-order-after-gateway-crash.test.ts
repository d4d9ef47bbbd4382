// Issue 13 item 2 end to end: the gateway is SIGKILLed after the reseller service committed an order
// and before the client got the answer; the client retries POST /v1/orders with the same
// Idempotency-Key through a new gateway process (same Redis) and gets the same order — there is one
// order. The gateway's own record is of no help here: its in-flight marker outlives the crash and
// then expires, so only the service's key can answer the retry.
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createAdminKey, freePort, startProcess, startStack, waitForReady, type Stack } from '../support/stack';

let stack: Stack;
let proxy: CutProxy;

beforeAll(async () => {
  proxy = await startCutProxy();
  // The gateway reaches the reseller through the proxy; a short upstream timeout keeps its in-flight
  // marker (2 × timeout + 5 s) short enough to wait out.
  stack = await startStack('idem_crash', {
    env: { 'api-gateway': { RESELLER_URL: proxy.url, UPSTREAM_TIMEOUT_MS: '2000' } },
    started: (services) => (proxy.target = services.reseller.port),
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await proxy?.close();
}, 60_000);

async function api(path: string, key: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${stack.gatewayUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

async function created(path: string, key: string, body: unknown): Promise<{ id: string; key?: string }> {
  const res = await api(path, key, { body, headers: { 'idempotency-key': randomUUID() } });
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

describe('an order placed while the gateway dies', () => {
  it('the gateway is killed between the service’s commit and its answer; the client’s retry through a new gateway gets the same order, and there is one', async () => {
    const adminKey = createAdminKey(stack);
    const provider = await created('/v1/providers', adminKey, { name: `Provider ${randomUUID().slice(0, 8)}` });
    const offering = await created(`/v1/providers/${provider.id}/offerings`, adminKey, { name: 'Postgres S', basePrice: '100.00', currency: 'EUR', unit: 'month' });
    const customer = await created('/v1/customers', adminKey, { name: 'Direct buyer', email: 'buyer@example.com' });
    const customerKey = (await created('/v1/api-keys', adminKey, { name: 'buyer', ownerType: 'customer', ownerId: customer.id })).key as string;

    const gateway = stack.services['api-gateway'];
    proxy.cutNextOrder(() => gateway.child.kill('SIGKILL'));
    const order = { offeringId: offering.id, quantity: 1 };
    const idempotencyKey = randomUUID();

    // The first attempt: the service commits and answers, the gateway dies before passing it on.
    await expect(api('/v1/orders', customerKey, { body: order, headers: { 'idempotency-key': idempotencyKey } })).rejects.toThrow();
    const firstOrderId = (await proxy.cut)?.id as string;
    expect(firstOrderId).toEqual(expect.any(String));
    expect(await gateway.exited).toBeNull(); // killed by a signal, not exited

    // A new gateway process on the same port and Redis, as a load balancer would send the retry to.
    const replacement = startProcess('api-gateway', gateway.env, gateway.port);
    stack.services['api-gateway'] = replacement;
    await waitForReady(replacement.url);

    // The client retries with the same key; while the dead gateway's in-flight marker lives, it is
    // told 409 (retry later), then the request reaches the service again.
    let retry = await api('/v1/orders', customerKey, { body: order, headers: { 'idempotency-key': idempotencyKey } });
    const deadline = Date.now() + 30_000;
    while (retry.status === 409 && retry.body?.code === 'IDEMPOTENCY_REQUEST_IN_FLIGHT' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      retry = await api('/v1/orders', customerKey, { body: order, headers: { 'idempotency-key': idempotencyKey } });
    }

    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(firstOrderId);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const orders = await api('/v1/orders', customerKey);
    expect(orders.status).toBe(200);
    expect(orders.body.items.map((o: { id: string }) => o.id)).toEqual([firstOrderId]);
  }, 90_000);
});

interface CutProxy {
  url: string;
  /** the reseller's port, set once the stack runs */
  target: number;
  /** the next POST /v1/orders is forwarded and fully answered upstream, then `beforeCut` runs and the gateway's connection is dropped */
  cutNextOrder(beforeCut: () => void): void;
  /** resolves with the body of the answer that was cut */
  cut: Promise<{ id: string } | undefined>;
  close(): Promise<void>;
}

/** An HTTP proxy between the gateway and the reseller that can swallow one order's answer. */
async function startCutProxy(): Promise<CutProxy> {
  const port = await freePort();
  let armed: (() => void) | null = null;
  let resolveCut!: (body: { id: string } | undefined) => void;
  const cut = new Promise<{ id: string } | undefined>((resolve) => (resolveCut = resolve));
  const state: CutProxy = {
    url: `http://127.0.0.1:${port}`,
    target: 0,
    cutNextOrder(beforeCut) {
      armed = beforeCut;
    },
    cut,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    // The gateway's readiness probe of the reseller (2 s) is answered here: one more hop on this
    // shared, loaded machine made it time out, and startStack already waits for the reseller's own.
    if (req.method === 'GET' && req.url === '/health/ready') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    const upstream = httpRequest({ host: '127.0.0.1', port: state.target, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      const beforeCut = armed;
      if (beforeCut && req.method === 'POST' && req.url === '/v1/orders') {
        armed = null;
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          // The service has committed and answered in full: now the gateway dies.
          beforeCut();
          res.socket?.destroy();
          const text = Buffer.concat(chunks).toString('utf8');
          resolveCut(answer.statusCode === 201 ? (JSON.parse(text) as { id: string }) : undefined);
        });
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return state;
}
