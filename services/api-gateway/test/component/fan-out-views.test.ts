// The gateway's fan-out views (issue 18 item 6; DESIGN.md §2 "api-gateway"): a customer's overview
// and a reseller's dashboard, put together from the four real services in-process, each read with
// the caller's principal (every service decides what the caller sees), per-read timeouts and the
// breakers. Billing is stopped mid-test: the views still answer 200, partial, the billing sections
// unavailable — and whole again once billing is back.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createLogger, listen } from '@runfleet/service-kit';
import { createTestVhost, type TestVhost } from '@runfleet/test-infra';
import { openWallet } from '../../../billing/src/data/wallet.repository';
import { createWorld as createBillingWorld, UNIT, type World as BillingWorld } from '../../../billing/test/support/world';
import { applyAccountEvent } from '../../../notifications/src/domain/apply-account-event';
import { createWorld as createNotificationsWorld, jobCompleted, type World as NotificationsWorld } from '../../../notifications/test/support/world';
import { waitFor } from '../../../notifications/test/support/wait-for';
import { applyOrderPaid } from '../../../reseller/src/domain/apply-order-payment';
import { createAccounts, type Accounts } from '../support/accounts';
import { call, closeAgents, startGateway, type GatewayUnderTest } from '../support/gateway-under-test';
import { startRegistry, type RegistryUnderTest } from '../support/registry-under-test';
import { startReseller, type ResellerUnderTest } from '../support/reseller-under-test';

jest.setTimeout(60_000);

const BREAKER_RESET_MS = 1_000;

let vhost: TestVhost;
let reseller: ResellerUnderTest;
let registry: RegistryUnderTest;
let billing: BillingWorld;
let billingServer: Server;
let billingPort: number;
let notifications: NotificationsWorld;
let notificationsServer: Server;
let gw: GatewayUnderTest;
let a: Accounts;
let b: Accounts;
/** a second customer of reseller A, with a job of its own */
let sibling: { id: string };
let orders: { pending: string; paid: string };
let jobIds: string[];

const portOf = (server: Server) => {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
};
const urlOf = (server: Server) => `http://127.0.0.1:${portOf(server)}`;

async function ok(promise: ReturnType<typeof call>, status: number, what: string) {
  const res = await promise;
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${res.text}`);
  return res.json();
}

async function insertJob(customerId: string, resellerId: string): Promise<string> {
  const job = await registry.prisma.job.create({
    data: { projectId: randomUUID(), customerId, resellerId, type: 'render', payload: {}, maxCostMicros: 5n * UNIT, currency: 'EUR', timeoutSeconds: 60, maxAttempts: 3, status: 'queued' },
    select: { id: true },
  });
  return job.id;
}

async function stopBilling(): Promise<void> {
  billingServer.closeAllConnections();
  await new Promise((resolve) => billingServer.close(resolve));
}

beforeAll(async () => {
  vhost = await createTestVhost('gateway_fan_out');
  [reseller, registry, billing, notifications] = await Promise.all([
    startReseller(vhost.url),
    startRegistry(vhost.url),
    createBillingWorld('gateway_fan_out_billing'),
    createNotificationsWorld('gateway_fan_out_notifications'),
  ]);
  billingServer = await listen(billing.app, 0);
  billingPort = portOf(billingServer);
  notificationsServer = await listen(notifications.app, 0);
  gw = await startGateway({
    upstreams: { reseller: reseller.url, billing: urlOf(billingServer), 'runner-registry': registry.url, notifications: urlOf(notificationsServer) },
    env: { BREAKER_RESET_MS: String(BREAKER_RESET_MS), FANOUT_READ_TIMEOUT_MS: '3000' },
  });
  a = await createAccounts(gw.url, reseller.adminKey, 'fanout-a');
  b = await createAccounts(gw.url, reseller.adminKey, 'fanout-b');
  sibling = await ok(call(gw.url, '/v1/customers', { key: a.resellerKey, body: { name: 'Sibling', email: 'sibling@customers.example' } }), 201, 'create sibling');

  // billing: the customer's wallet with 25 in it, and the reseller's earnings wallet
  await openWallet(billing.prisma, { ownerType: 'customer', ownerId: a.customerId, resellerId: a.resellerId, currency: 'EUR' });
  await openWallet(billing.prisma, { ownerType: 'reseller', ownerId: a.resellerId, resellerId: a.resellerId, currency: 'EUR' });
  const wallet = (await billing.prisma.wallet.findFirstOrThrow({ where: { ownerId: a.customerId } })).id;
  await billing.fund(wallet, 25n * UNIT);

  // runner-registry: two jobs of customer A, one of its sibling
  jobIds = [await insertJob(a.customerId, a.resellerId), await insertJob(a.customerId, a.resellerId)];
  await insertJob(sibling.id, a.resellerId);

  // reseller: an order pending payment and a paid one awaiting fulfilment
  const provider = await ok(call(gw.url, '/v1/providers', { key: reseller.adminKey, body: { name: `Provider ${randomUUID().slice(0, 8)}` } }), 201, 'provider');
  const offering = await ok(
    call(gw.url, `/v1/providers/${provider.id}/offerings`, { key: reseller.adminKey, body: { name: 'Postgres S', basePrice: '100.00', currency: 'EUR', unit: 'month' } }),
    201,
    'offering',
  );
  await ok(call(gw.url, '/v1/relationships', { key: a.resellerKey, body: { providerId: provider.id, commissionBps: 1000 } }), 201, 'relationship');
  const place = () => ok(call(gw.url, '/v1/orders', { key: a.customerKey, body: { offeringId: offering.id }, headers: { 'idempotency-key': randomUUID() } }), 201, 'order');
  orders = { pending: (await place()).id, paid: (await place()).id };
  const paid = await reseller.prisma.resellerOrder.findUniqueOrThrow({ where: { id: orders.paid } });
  await reseller.prisma.$transaction((tx) =>
    applyOrderPaid(
      tx,
      {
        id: randomUUID(),
        data: { ...paid, orderId: paid.id, basePrice: '100', commission: '10', total: '110', transactionId: randomUUID() } as never,
      },
      new Date(),
      createLogger({ service: 'reseller', level: 'silent' }),
    ),
  );

  // notifications: the accounts known, and one unread item for the customer (and its reseller)
  await notifications.prisma.$transaction(async (tx) => {
    await applyAccountEvent(tx, { type: 'reseller.created', data: { resellerId: a.resellerId, name: 'A', email: 'fanout-a@resellers.example', commissionRateBps: 1000, tier: 'bronze', currency: 'EUR' } }, new Date());
    await applyAccountEvent(tx, { type: 'customer.created', data: { customerId: a.customerId, resellerId: a.resellerId, name: 'A', email: 'fanout-a@customers.example', currency: 'EUR' } }, new Date());
  });
  await notifications.deliver('job.completed', jobCompleted(a.customerId, a.resellerId, { jobId: jobIds[0]! }));
});

afterAll(async () => {
  await gw?.close();
  for (const server of [billingServer, notificationsServer]) {
    if (!server?.listening) continue;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await Promise.all([reseller?.close(), registry?.close(), billing?.close(), notifications?.close()]);
  await vhost?.drop();
  await closeAgents();
});

const overview = (customerId: string, key: string, base = gw.url) => call(base, `/v1/customers/${customerId}/overview`, { key });
const dashboard = (key: string) => call(gw.url, '/v1/resellers/me/dashboard', { key });

describe("a customer's overview", () => {
  it('gathers profile, wallet, recent jobs, open orders and the unread feed count from the four services', async () => {
    const res = await overview(a.customerId, a.customerKey);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const view = res.json();
    expect(view).toMatchObject({ customerId: a.customerId, partial: false, unavailable: [] });
    const { profile, wallet, recentJobs, openOrders, feed } = view.sections;
    expect(profile).toMatchObject({ status: 'ok', data: { id: a.customerId, email: 'fanout-a@customers.example' } });
    expect(wallet).toMatchObject({ status: 'ok', data: { ownerId: a.customerId, balance: '25.000000' } });
    expect(recentJobs.status).toBe('ok');
    expect(recentJobs.data.items.map((j: { id: string }) => j.id).sort()).toEqual([...jobIds].sort());
    expect(openOrders.status).toBe('ok');
    expect(openOrders.data.items.map((o: { id: string; status: string }) => [o.id, o.status]).sort()).toEqual(
      [
        [orders.pending, 'pending'],
        [orders.paid, 'paid'],
      ].sort(),
    );
    expect(feed).toEqual({ status: 'ok', data: { unreadCount: 1 } });
  });

  it("is its reseller's too — only that customer's jobs, and no feed, which is the customer's own", async () => {
    const view = (await ok(overview(a.customerId, a.resellerKey), 200, 'overview')).sections;
    expect(view.profile.data.id).toBe(a.customerId);
    // the reseller may see its other customer's job too: the registry's customerId filter keeps it out
    expect(view.recentJobs.data.items.map((j: { customerId: string }) => j.customerId)).toEqual([a.customerId, a.customerId]);
    expect(view.openOrders.data.items).toHaveLength(2);
    expect(view.feed).toMatchObject({ status: 'forbidden', code: 'FEED_OWNER_ONLY' });
  });

  it("is 404 to another reseller and another customer, with none of the customer's bytes; 400 naming a malformed id", async () => {
    for (const key of [b.resellerKey, b.customerKey]) {
      const res = await overview(a.customerId, key);
      expect(res.status).toBe(404);
      expect(res.json()).toMatchObject({ code: 'CUSTOMER_NOT_FOUND' });
      for (const secret of ['fanout-a@', '25.000000', orders.pending, jobIds[0]!]) expect(res.text).not.toContain(secret);
    }
    const bad = await overview('not-a-uuid', a.customerKey);
    expect(bad.status).toBe(400);
    expect(bad.json().errors).toEqual([{ field: 'params.customerId', message: expect.any(String) }]);
  });

  it('shows a key only the sections its scopes can read: without wallets:read the wallet is forbidden, without customers:read the view is 403', async () => {
    const narrow = await ok(
      call(gw.url, '/v1/api-keys', { key: reseller.adminKey, body: { name: 'narrow', ownerType: 'customer', ownerId: a.customerId, scopes: ['customers:read', 'jobs:read', 'orders:read', 'feed:read'] } }),
      201,
      'narrow key',
    );
    const view = await ok(overview(a.customerId, narrow.key), 200, 'overview');
    expect(view.sections.wallet).toMatchObject({ status: 'forbidden', code: 'AUTH_SCOPE_MISSING' });
    expect(JSON.stringify(view)).not.toContain('25.000000');
    expect(view.partial).toBe(false);
    expect(view.sections.recentJobs.status).toBe('ok');

    const noCustomers = await ok(
      call(gw.url, '/v1/api-keys', { key: reseller.adminKey, body: { name: 'no customers', ownerType: 'customer', ownerId: a.customerId, scopes: ['wallets:read'] } }),
      201,
      'key',
    );
    const refused = await overview(a.customerId, noCustomers.key);
    expect(refused.status).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'AUTH_SCOPE_MISSING' });
  });
});

describe("a reseller's dashboard", () => {
  it("gathers its customers, this month's sales and earnings, tier and progress, orders awaiting fulfilment and recent activity", async () => {
    const view = await ok(dashboard(a.resellerKey), 200, 'dashboard');
    expect(view).toMatchObject({ resellerId: a.resellerId, partial: false, unavailable: [] });
    const { customers, thisMonth, tier, ordersAwaitingFulfilment, recentActivity } = view.sections;
    expect(customers.data.items.map((c: { id: string }) => c.id).sort()).toEqual([a.customerId, sibling.id].sort());
    expect(thisMonth).toEqual({
      status: 'ok',
      data: { month: new Date().toISOString().slice(0, 7), currency: 'EUR', sales: '0.000000', earnings: { pending: '0.000000', approved: '0.000000', paid: '0.000000', clawedBack: '0.000000' } },
    });
    expect(tier).toMatchObject({ status: 'ok', data: { resellerId: a.resellerId, tier: 'bronze', nextTier: { tier: 'silver' } } });
    expect(ordersAwaitingFulfilment.data.items.map((o: { id: string }) => o.id)).toEqual([orders.paid]);
    expect(recentActivity).toMatchObject({ status: 'ok', data: { unreadCount: 1, items: [{ type: 'job.completed' }] } });
  });

  it('is for resellers only', async () => {
    for (const key of [a.customerKey, reseller.adminKey]) {
      const res = await dashboard(key);
      expect(res.status).toBe(403);
      expect(res.json()).toMatchObject({ code: 'AUTH_FORBIDDEN' });
    }
  });

  it('is routed to the gateway, while the paths beside it still reach their services', async () => {
    expect((await call(gw.url, '/v1/resellers/me/earnings', { key: a.resellerKey })).json()).toMatchObject({ resellerId: a.resellerId, thisMonth: { sales: '0.000000' } });
    expect((await call(gw.url, `/v1/customers/${a.customerId}`, { key: a.customerKey })).json()).toMatchObject({ id: a.customerId });
    // not the view: an operation nothing declares, refused like any other
    const beyond = await call(gw.url, `/v1/customers/${a.customerId}/overview/more`, { key: a.customerKey });
    expect([beyond.status, beyond.json().code]).toEqual([403, 'AUTH_OPERATION_UNDECLARED']);
  });
});

describe('with a service that does not answer', () => {
  it('marks a read past its timeout unavailable (UPSTREAM_TIMEOUT), answers the rest in time, and leaves the breaker closed', async () => {
    const hanging = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const slow = await startGateway({
      upstreams: { reseller: reseller.url, billing: urlOf(billingServer), 'runner-registry': registry.url, notifications: urlOf(hanging) },
      env: { FANOUT_READ_TIMEOUT_MS: '300' },
    });
    try {
      const res = await overview(a.customerId, a.customerKey, slow.url);
      expect(res.status).toBe(200);
      expect(res.ms).toBeLessThan(2_000);
      const view = res.json();
      expect(view).toMatchObject({ partial: true, unavailable: ['feed'] });
      expect(view.sections.feed).toMatchObject({ status: 'unavailable', service: 'notifications', code: 'UPSTREAM_TIMEOUT' });
      expect(view.sections.wallet.status).toBe('ok');
      // more timed-out reads than open a breaker when they count: the view's budget is not the service's health
      const more = await Promise.all(Array.from({ length: 6 }, () => overview(a.customerId, a.customerKey, slow.url)));
      expect(more.map((r) => r.json().sections.feed.code)).toEqual(Array(6).fill('UPSTREAM_TIMEOUT'));
      expect(slow.gateway.upstreams.notifications.state).toBe('closed');
    } finally {
      // the hanging server first: the gateway's pool waits for its open sockets
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
      await slow.close();
    }
  });

  it('loses only the section whose service answers something the view cannot use', async () => {
    const nonsense = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end('null');
    });
    await new Promise<void>((resolve) => nonsense.listen(0, '127.0.0.1', resolve));
    const odd = await startGateway({ upstreams: { reseller: reseller.url, billing: urlOf(billingServer), 'runner-registry': registry.url, notifications: urlOf(nonsense) } });
    try {
      const view = await ok(call(odd.url, '/v1/resellers/me/dashboard', { key: a.resellerKey }), 200, 'dashboard');
      expect(view).toMatchObject({ partial: true, unavailable: ['recentActivity'] });
      expect(view.sections.recentActivity).toMatchObject({ status: 'unavailable', service: 'notifications', code: 'UPSTREAM_FAILED' });
      expect(view.sections.tier.status).toBe('ok');
    } finally {
      await odd.close();
      nonsense.closeAllConnections();
      await new Promise((resolve) => nonsense.close(resolve));
    }
  });

  it('answers 200 and partial while billing is stopped, the billing sections unavailable, and whole again once billing is back', async () => {
    await stopBilling();
    try {
      // enough calls to open billing's breaker: after it the views still answer, at once
      for (let i = 0; i < 6; i += 1) {
        const res = await overview(a.customerId, a.customerKey);
        expect(res.status).toBe(200);
        const view = res.json();
        expect(view).toMatchObject({ partial: true, unavailable: ['wallet'] });
        expect(view.sections.wallet).toMatchObject({ status: 'unavailable', service: 'billing', code: 'UPSTREAM_UNAVAILABLE' });
        expect(view.sections.profile.status).toBe('ok');
        expect(view.sections.recentJobs.status).toBe('ok');
        expect(view.sections.openOrders.status).toBe('ok');
        expect(view.sections.feed.status).toBe('ok');
      }
      expect(gw.gateway.upstreams.billing.state).toBe('open');
      const board = await ok(dashboard(a.resellerKey), 200, 'dashboard');
      expect(board).toMatchObject({ partial: true, unavailable: ['thisMonth'] });
      expect(board.sections.thisMonth).toMatchObject({ status: 'unavailable', service: 'billing' });
      expect(board.sections.tier.status).toBe('ok');
    } finally {
      billingServer = await listen(billing.app, billingPort);
    }
    // back: once the breaker lets a trial through, the views are whole again
    let view: any;
    await waitFor(async () => {
      view = (await overview(a.customerId, a.customerKey)).json();
      return !view.partial;
    }, 'the overview is whole again', 10 * BREAKER_RESET_MS, 100);
    expect(view).toMatchObject({ partial: false, unavailable: [] });
    expect(view.sections.wallet).toMatchObject({ status: 'ok', data: { balance: '25.000000' } });
    expect((await ok(dashboard(a.resellerKey), 200, 'dashboard')).partial).toBe(false);
  });
});
