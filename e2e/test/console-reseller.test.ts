// Issue 19 acceptance, the reseller's and admin's half, in a real browser (playwright-core driving
// Debian's chromium against the five services as processes; e2e/support/browser.ts). An admin
// builds the catalog and credits a wallet in the admin pages; a reseller sets its relationship's
// commission (a value over 50 % refused next to the field), previews the marketplace with its badge
// and marked-up price; its customer orders in the customer pages; the reseller fulfils the order
// (JSON details checked before sending) and the customer sees it fulfilled; with billing stopped the
// dashboard shows that section unavailable and the rest. Every reseller and admin page is checked
// with axe and kept as a screenshot (e2e/artifacts/console/reseller-*.png).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startSmtpSink, type SmtpSink } from '@runfleet/test-infra';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { checkPage, launchBrowser } from '../support/browser';
import { CanaryWatch } from '../support/canaries';
import { gatewayClient, waitFor, type GatewayClient } from '../support/gateway-client';
import { createAdminKey, ROOT, startStack, type Stack } from '../support/stack';

const PROVIDER = 'Acme Cloud';
const OFFERING = 'Postgres S';
// 100.00 a month resold at 12.5 %: the customer pays 112.50, the reseller's commission is 12.50
const MARKED_UP_PRICE = '112.50 EUR';

const canaries = new CanaryWatch();
let stack: Stack;
let smtp: SmtpSink;
let api: GatewayClient;
let browser: Browser;
let gw: string;
const contexts: BrowserContext[] = [];
const world = {} as { adminKey: string; resellerId: string; otherResellerId: string; customerId: string; orderId: string };
const people = {} as Record<'admin' | 'reseller' | 'customer' | 'otherReseller', { email: string; password: string }>;

/** A user whose email is verified, made with the reseller service's create-user CLI (as the demo seed does). */
function createUser(role: 'admin' | 'reseller' | 'customer', ids: { resellerId?: string; customerId?: string }): { email: string; password: string } {
  const email = `${role}+${randomUUID().slice(0, 8)}@example.com`;
  const password = canaries.plant('password', `harbour-${randomUUID().slice(0, 8)}-quartz-lantern`, true);
  const args = ['--email', email, '--password', password, '--role', role, '--name', `${role} person`];
  if (ids.resellerId) args.push('--reseller-id', ids.resellerId);
  if (ids.customerId) args.push('--customer-id', ids.customerId);
  const result = spawnSync(process.execPath, [path.join(ROOT, 'services/reseller/dist/cli/create-user.js'), ...args], {
    env: { PATH: process.env.PATH, DATABASE_URL: stack.databases.reseller?.url },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`create-user ${role} failed: ${result.stderr}`);
  return { email, password };
}

async function signedInPage(who: { email: string; password: string }): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${gw}/console/sign-in`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  const [answer] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/v1/auth/login')), page.getByRole('button', { name: 'Sign in' }).click()]);
  expect(answer.status()).toBe(200);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  const session = (await context.cookies()).find((c) => c.name === 'rf_session');
  canaries.plant('session-token', session?.value ?? '', true);
  return page;
}

/** Opens a console page, waits for its heading and for its lists to load, then checks it (axe + screenshot). */
async function openAndCheck(page: Page, consolePath: string, heading: string | RegExp, artifact: string): Promise<void> {
  await page.goto(`${gw}/console/${consolePath}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await page.getByRole('status').filter({ hasText: /^Loading/ }).first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
  await checkPage(page, artifact);
}

let admin: Page;
let reseller: Page;
let customer: Page;

beforeAll(async () => {
  smtp = await startSmtpSink();
  stack = await startStack('console_reseller', {
    env: { notifications: { SMTP_URL: smtp.url }, 'api-gateway': { AUTH_PER_IP_PER_MINUTE: '1000' } },
  });
  gw = stack.gatewayUrl;
  api = gatewayClient(gw, canaries);
  browser = await launchBrowser();

  world.adminKey = canaries.plant('api-key', createAdminKey(stack), true);
  world.resellerId = (await api.post('/v1/resellers', world.adminKey, { name: 'Northwind', email: 'ops@northwind.example', commissionRateBps: 1500 })).id;
  world.otherResellerId = (await api.post('/v1/resellers', world.adminKey, { name: 'Southwind', email: 'ops@southwind.example', commissionRateBps: 1000 })).id;
  world.customerId = (await api.post('/v1/customers', world.adminKey, { name: 'Ada Ltd', email: 'ada@example.com', resellerId: world.resellerId })).id;
  people.admin = createUser('admin', {});
  people.reseller = createUser('reseller', { resellerId: world.resellerId });
  people.otherReseller = createUser('reseller', { resellerId: world.otherResellerId });
  people.customer = createUser('customer', { customerId: world.customerId });
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
  await smtp?.close();
}, 60_000);

describe('the reseller and admin console in a browser', () => {
  it('the admin builds the catalog (a provider and its offering) and credits the customer’s wallet in the admin pages', async () => {
    admin = await signedInPage(people.admin);
    await openAndCheck(admin, 'admin/providers', 'Providers', 'reseller-admin-01-providers');
    await admin.getByLabel('Name', { exact: true }).fill(PROVIDER);
    await admin.getByRole('button', { name: 'Create provider' }).click();
    await admin.getByRole('link', { name: PROVIDER }).click();
    await admin.getByRole('heading', { level: 1, name: PROVIDER }).waitFor();
    await admin.getByLabel('Name', { exact: true }).fill(OFFERING);
    await admin.getByLabel('Base price').fill('100.00');
    await admin.getByRole('button', { name: 'Create offering' }).click();
    await admin.getByRole('cell', { name: OFFERING, exact: true }).waitFor();
    expect(await admin.getByRole('row', { name: new RegExp(OFFERING) }).textContent()).toContain('100.00 EUR');
    await checkPage(admin, 'reseller-admin-02-provider-offerings');

    const wallet = await waitFor('the customer’s wallet', async () => (await api.get(`/v1/wallets?ownerId=${world.customerId}`, world.adminKey)).body?.items?.[0], (w) => w !== undefined);
    await openAndCheck(admin, `admin/credit-accounts/${wallet.id}`, /^Wallet of customer/, 'reseller-admin-03-credit-account');
    await admin.getByLabel('Amount (EUR)').fill('500.00');
    await admin.getByLabel('Reason', { exact: true }).fill('bank transfer 42');
    await admin.getByRole('button', { name: 'Credit', exact: true }).click();
    await admin.getByRole('cell', { name: 'bank transfer 42' }).waitFor();
    // the wallet's facts are read apart from its ledger, and may come after it
    await admin.locator('.facts').getByText('500.00 EUR').first().waitFor();
    expect(await admin.locator('.facts').textContent()).toContain('500.00 EUR');
  }, 120_000);

  it('every other admin page passes axe: resellers, price lists, runners and tokens, credit accounts, users', async () => {
    await openAndCheck(admin, 'admin/resellers', 'Resellers', 'reseller-admin-04-resellers');
    await admin.getByRole('cell', { name: 'Northwind', exact: true }).waitFor();
    await openAndCheck(admin, 'admin/price-lists', 'Price lists', 'reseller-admin-05-price-lists');
    await openAndCheck(admin, 'admin/runners', 'Runners', 'reseller-admin-06-runners');
    await openAndCheck(admin, 'admin/credit-accounts', 'Credit accounts', 'reseller-admin-07-credit-accounts');
    await openAndCheck(admin, 'admin/users', 'Users', 'reseller-admin-08-users');
  }, 120_000);

  it('the reseller sets its relationship’s commission: 60 % is refused next to the field, 10 % then 12.5 % are kept', async () => {
    reseller = await signedInPage(people.reseller);
    await openAndCheck(reseller, 'reseller/dashboard', 'Dashboard', 'reseller-01-dashboard');
    await openAndCheck(reseller, 'reseller/providers', 'Providers and relationships', 'reseller-02-providers');
    const start = reseller.getByRole('form', { name: 'Resell a provider' });
    await start.getByLabel('Commission (%)').fill('60');
    await start.getByRole('button', { name: 'Start reselling' }).click();
    await start.getByText('The commission is at most 50 %.').waitFor();
    expect(await start.getByLabel('Commission (%)').getAttribute('aria-invalid')).toBe('true');
    await checkPage(reseller, 'reseller-03-providers-commission-refused');

    await start.getByLabel('Commission (%)').fill('10');
    await start.getByRole('button', { name: 'Start reselling' }).click();
    await reseller.getByRole('cell', { name: '10 %', exact: true }).waitFor();

    const change = reseller.getByRole('form', { name: 'Change a relationship' });
    await change.getByLabel('Commission (%)').fill('12.5');
    await change.getByRole('button', { name: 'Save relationship' }).click();
    await reseller.getByRole('cell', { name: '12.5 %', exact: true }).waitFor();
    const relationships = await api.get('/v1/relationships', world.adminKey);
    expect(relationships.body.items).toEqual([expect.objectContaining({ resellerId: world.resellerId, providerName: PROVIDER, commissionBps: 1250, status: 'active' })]);
    await checkPage(reseller, 'reseller-04-providers-relationship');
  }, 120_000);

  it('the reseller previews its customers’ marketplace with the badge and the marked-up price', async () => {
    await openAndCheck(reseller, 'reseller/marketplace', 'Marketplace preview', 'reseller-05-marketplace');
    const row = reseller.getByRole('row', { name: new RegExp(OFFERING) });
    await row.waitFor();
    const text = await row.textContent();
    expect(await row.locator('.badge').textContent()).toBe('Offered by Northwind bronze');
    expect(await row.locator('.badge .tier').textContent()).toBe('bronze');
    expect(text).toContain('100.00 EUR');
    expect(text).toContain(MARKED_UP_PRICE);
  }, 60_000);

  it('the customer orders at the reseller’s price, the reseller fulfils it (bad JSON refused first), the customer sees it fulfilled', async () => {
    customer = await signedInPage(people.customer);
    await customer.goto(`${gw}/console/customer/marketplace`);
    const offer = customer.getByRole('row', { name: new RegExp(OFFERING) });
    await offer.waitFor();
    expect(await offer.textContent()).toContain(MARKED_UP_PRICE);
    expect(await offer.locator('.badge').textContent()).toBe('Offered by Northwind bronze');
    await offer.getByRole('button', { name: `Order ${OFFERING}` }).click();
    await customer.getByRole('button', { name: 'Place order' }).click();
    await customer.waitForURL(/\/console\/customer\/orders\/[0-9a-f-]{36}$/);
    world.orderId = customer.url().split('/').pop() as string;
    await customer.getByTestId('order-status').getByText('paid').waitFor({ timeout: 20_000 });

    // the reseller finds it among the orders awaiting fulfilment
    await openAndCheck(reseller, 'reseller/orders', 'Orders', 'reseller-06-orders');
    await reseller.getByRole('link', { name: `${OFFERING} × 1` }).click();
    await reseller.getByRole('heading', { level: 1, name: `Order ${OFFERING} × 1` }).waitFor();
    expect(await reseller.locator('.facts').textContent()).toContain(MARKED_UP_PRICE);
    await reseller.getByLabel('Provider order id').fill('prov-88231');
    await reseller.getByLabel('Details (JSON)').fill('{"host": "pg-88231.provider.example", port: 5432}');
    let sent = false;
    const listener = (request: { url(): string; method(): string }) => {
      if (request.method() === 'POST' && request.url().endsWith('/fulfil')) sent = true;
    };
    reseller.on('request', listener);
    await reseller.getByRole('button', { name: 'Fulfil order' }).click();
    await reseller.getByText(/^Not valid JSON/).waitFor();
    expect(sent).toBe(false);
    expect(await reseller.getByLabel('Details (JSON)').getAttribute('aria-invalid')).toBe('true');
    await checkPage(reseller, 'reseller-07-order-details-refused');
    reseller.off('request', listener);

    await reseller.getByLabel('Details (JSON)').fill('{"host": "pg-88231.provider.example", "port": 5432}');
    await reseller.getByRole('button', { name: 'Fulfil order' }).click();
    await reseller.getByTestId('order-status').getByText('fulfilled').waitFor();
    await checkPage(reseller, 'reseller-08-order-fulfilled');

    await customer.getByTestId('order-status').getByText('fulfilled').waitFor({ timeout: 15_000 });
    expect(await customer.getByText('pg-88231.provider.example').count()).toBeGreaterThan(0);
    await checkPage(customer, 'reseller-09-customer-order-fulfilled');
  }, 120_000);

  it('every other reseller page passes axe: customers and their keys, commissions, invoices, payouts, referral codes, users', async () => {
    await openAndCheck(reseller, 'reseller/customers', 'Customers', 'reseller-10-customers');
    await reseller.getByRole('link', { name: 'Ada Ltd' }).click();
    await reseller.getByRole('heading', { level: 1, name: 'Ada Ltd' }).waitFor();
    await reseller.getByLabel('Key name').fill('ci');
    await reseller.getByRole('button', { name: 'Create key' }).click();
    const shown = await reseller.locator('.secret code').textContent();
    canaries.plant('api-key', shown ?? '', true);
    expect(shown).toMatch(/^rf_sk_/);
    await reseller.getByRole('button', { name: 'Revoke key ci' }).waitFor();
    await checkPage(reseller, 'reseller-11-customer-keys');
    await openAndCheck(reseller, 'reseller/commissions', 'Commissions', 'reseller-12-commissions');
    await openAndCheck(reseller, 'reseller/invoices', 'Invoices', 'reseller-13-invoices');
    await openAndCheck(reseller, 'reseller/payouts', 'Payouts', 'reseller-14-payouts');
    await openAndCheck(reseller, 'reseller/referral-codes', 'Referral codes', 'reseller-15-referral-codes');
    await openAndCheck(reseller, 'reseller/users', 'Users', 'reseller-16-users');
    await openAndCheck(reseller, 'reseller/dashboard', 'Dashboard', 'reseller-17-dashboard-after-sale');
  }, 120_000);

  it('another reseller’s console shows none of this reseller’s customers or orders, and its order page answers as for a missing one', async () => {
    const other = await signedInPage(people.otherReseller);
    await openAndCheck(other, 'reseller/orders', 'Orders', 'reseller-18-other-reseller-orders');
    await other.getByText('No orders with this status.').waitFor();
    await other.goto(`${gw}/console/reseller/orders/${world.orderId}`);
    await other.getByRole('alert').waitFor();
    expect(await other.getByRole('alert').textContent()).toMatch(/ORDER_NOT_FOUND/);
    await openAndCheck(other, 'reseller/customers', 'Customers', 'reseller-19-other-reseller-customers');
    await other.getByText('No customers yet.').waitFor();
    expect(await other.getByText('Ada Ltd').count()).toBe(0);
  }, 60_000);

  it('with billing down the dashboard still opens: its earnings section says unavailable, the other sections stay', async () => {
    const billing = stack.services.billing;
    billing.child.kill('SIGTERM');
    await billing.exited;
    await openAndCheck(reseller, 'reseller/dashboard', 'Dashboard', 'reseller-20-dashboard-billing-down');
    await reseller.getByText(/^Some sections are unavailable right now: thisMonth/).waitFor();
    const earnings = reseller.getByRole('region', { name: 'Earnings this month' });
    expect(await earnings.textContent()).toContain('Unavailable right now (billing)');
    expect(await reseller.getByRole('region', { name: 'Newest customers' }).getByRole('link', { name: 'Ada Ltd' }).count()).toBe(1);
  }, 60_000);

  it('no password, key or session token of this suite appears in any log line, error body or dead letter', async () => {
    const report = await canaries.scan({ lines: stack.allLines(), vhost: stack.vhost.name });
    expect(report.hits).toEqual([]);
    expect(report.searched.canaries).toBeGreaterThanOrEqual(9);
  }, 60_000);
});
