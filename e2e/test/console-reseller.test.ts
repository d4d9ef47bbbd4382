// Issue 19 acceptance, the reseller's and admin's half, in a real browser (playwright-core driving
// Debian's chromium against the five services as processes; e2e/support/browser.ts). An admin
// builds the catalog and credits a wallet in the admin pages; a reseller sets its relationship's
// commission (a value over 50 % refused next to the field), previews the marketplace with its badge
// and marked-up price; its customer orders in the customer pages; the reseller fulfils the order
// (JSON details checked before sending) and the customer sees it fulfilled; with billing stopped the
// dashboard shows that section unavailable and the rest. Every reseller and admin page is checked
// with axe and kept as a screenshot (e2e/artifacts/console/reseller-*.png).
// Then what they do in their pages besides, each read back through the API: the reseller fails a
// second order (the customer sees it failed and refunded), requests a payout of its approved
// commission, invoices it and downloads the PDF, hands out a referral code someone signs up with; the
// admin creates a runner registration token a runner registers with, and sets a tiered price.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startSmtpSink, type SmtpSink } from '@runfleet/test-infra';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { checkPage, launchBrowser } from '../support/browser';
import { CanaryWatch, canaryIban } from '../support/canaries';
import { gatewayClient, waitFor, type GatewayClient } from '../support/gateway-client';
import { createAdminKey, ROOT, startStack, type Stack } from '../support/stack';

const PROVIDER = 'Acme Cloud';
const OFFERING = 'Postgres S';
// 100.00 a month resold at 12.5 %: the customer pays 112.50, the reseller's commission is 12.50
const MARKED_UP_PRICE = '112.50 EUR';
// the reseller's 15 % of a fulfilled order's 112.50
const ORDER_COMMISSION = '16.875000';
// billing's smallest payout for this suite (PAYOUT_MINIMUM; default 50, more than one order earns)
const PAYOUT_MINIMUM = '10';

const canaries = new CanaryWatch();
let stack: Stack;
let smtp: SmtpSink;
let api: GatewayClient;
let browser: Browser;
let gw: string;
const contexts: BrowserContext[] = [];
const world = {} as { adminKey: string; resellerId: string; otherResellerId: string; customerId: string; walletId: string; orderId: string };
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

/** The customer's wallet as an admin reads it through the API. */
async function customerWallet(): Promise<{ balance: string; available: string; currency: string }> {
  return (await api.get(`/v1/wallets/${world.walletId}`, world.adminKey)).body;
}

/** The reseller's earnings summary as an admin reads it through the API. */
async function earnings(): Promise<{ wallet: { available: string; reserved: string } }> {
  return (await api.get(`/v1/resellers/${world.resellerId}/earnings`, world.adminKey)).body;
}

let admin: Page;
let reseller: Page;
let customer: Page;

beforeAll(async () => {
  smtp = await startSmtpSink();
  stack = await startStack('console_reseller', {
    env: { notifications: { SMTP_URL: smtp.url }, 'api-gateway': { AUTH_PER_IP_PER_MINUTE: '1000' }, billing: { PAYOUT_MINIMUM } },
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
    world.walletId = wallet.id;
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
    expect(await customer.locator('.facts dt').allTextContents()).toEqual(expect.arrayContaining(['Paid', 'Fulfilled']));
    expect(await customer.getByTestId('order-refund').count()).toBe(0);
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

  it('the reseller fails a second order from its page with a reason; the customer sees it failed and its wallet the 112.50 EUR refund', async () => {
    const before = await customerWallet();
    // 500.00 credited, 112.50 paid for the fulfilled order
    expect(before).toMatchObject({ balance: '387.500000', currency: 'EUR' });

    await customer.goto(`${gw}/console/customer/marketplace`);
    const offer = customer.getByRole('row', { name: new RegExp(OFFERING) });
    await offer.getByRole('button', { name: `Order ${OFFERING}` }).click();
    await customer.getByRole('button', { name: 'Place order' }).click();
    await customer.waitForURL(/\/console\/customer\/orders\/[0-9a-f-]{36}$/);
    const orderId = customer.url().split('/').pop() as string;
    expect(orderId).not.toBe(world.orderId);
    await customer.getByTestId('order-status').getByText('paid').waitFor({ timeout: 20_000 });
    expect(await customerWallet()).toMatchObject({ balance: '275.000000' });

    const reason = 'The provider has no capacity left in eu-west';
    await openAndCheck(reseller, 'reseller/orders', 'Orders', 'reseller-actions-01-orders-second-paid');
    await reseller.getByRole('link', { name: `${OFFERING} × 1` }).click();
    await reseller.waitForURL(new RegExp(`/console/reseller/orders/${orderId}$`));
    await reseller.getByTestId('order-status').getByText('paid').waitFor();
    const fail = reseller.getByRole('form', { name: 'Fail the order' });
    await fail.getByLabel('Reason').fill(reason);
    await fail.getByRole('button', { name: 'Fail order' }).click();
    await reseller.getByTestId('order-status').getByText('failed').waitFor();
    expect(await reseller.locator('.facts').textContent()).toContain(reason);
    // nothing is left to do with a failed order: neither form is offered
    expect(await reseller.getByRole('form').count()).toBe(0);
    await checkPage(reseller, 'reseller-actions-02-order-failed');
    expect((await api.get(`/v1/orders/${orderId}`, world.adminKey)).body).toMatchObject({ status: 'failed', reason, total: '112.500000', currency: 'EUR' });

    // billing refunds the whole total: the wallet is back where it was
    await waitFor('the refund', customerWallet, (w) => w.balance === before.balance);
    const refunds = (await api.get(`/v1/wallets/${world.walletId}/transactions?type=refund`, world.adminKey)).body.items;
    expect(refunds).toEqual([expect.objectContaining({ amount: '112.500000', reference: { kind: 'order', id: orderId } })]);

    await customer.getByTestId('order-status').getByText('failed').waitFor({ timeout: 15_000 });
    expect(await customer.locator('.facts').textContent()).toContain(reason);
    // the page says when it failed (not an empty "Fulfilled") and that the payment comes back
    expect(await customer.locator('.facts dt').allTextContents()).toEqual(expect.arrayContaining(['Paid', 'Failed']));
    expect(await customer.locator('.facts dt').allTextContents()).not.toContain('Fulfilled');
    expect(await customer.getByTestId('order-refund').textContent()).toContain('goes back to your wallet');
    await checkPage(customer, 'reseller-actions-03-customer-order-failed');
    await openAndCheck(customer, 'customer/wallet', 'Wallet', 'reseller-actions-04-customer-wallet-refunded');
    expect(await customer.getByTestId('wallet').textContent()).toContain('Balance387.50 EUR');
    await customer.getByLabel('Show').selectOption('refund');
    const refund = customer.getByRole('table', { name: 'Transactions' }).getByRole('row').filter({ hasText: 'refund' }).filter({ hasText: `order ${orderId.slice(0, 8)}` });
    await refund.waitFor();
    const cells = await refund.getByRole('cell').allTextContents();
    expect(cells.slice(1)).toEqual(['refund', '112.50 EUR', '387.50 EUR', `order ${orderId.slice(0, 8)}`]);
  }, 120_000);

  it('the reseller requests a payout of its approved commission: a wrong IBAN and too small an amount are refused next to their fields, the page shows progress while the request is sent, and the payout is in the history', async () => {
    // the fulfilled order's commission, approved early by an admin (its holding period is 14 days)
    const [commission] = await waitFor<Array<{ id: string }>>(
      'the fulfilled order’s commission',
      async () => (await api.get(`/v1/commissions?resellerId=${world.resellerId}&sourceKind=order`, world.adminKey)).body?.items ?? [],
      (items) => items.length > 0,
    );
    expect(commission).toMatchObject({ source: { kind: 'order', id: world.orderId }, amount: ORDER_COMMISSION, currency: 'EUR', status: 'pending' });
    await api.post(`/v1/commissions/${commission?.id}/approve`, world.adminKey, undefined, 200);
    await waitFor('the approved commission available', earnings, (e) => e.wallet.available === ORDER_COMMISSION);

    await openAndCheck(reseller, 'reseller/payouts', 'Payouts', 'reseller-actions-05-payouts-no-method');
    const request = reseller.getByRole('region', { name: 'Request a payout' });
    await request.getByText('Available now: 16.875 EUR').waitFor();
    await request.getByText('Add a payout method first.').waitFor();

    const add = reseller.getByRole('form', { name: 'Add a payout method' });
    await add.getByLabel('Account holder').fill('Northwind GmbH');
    await add.getByLabel('IBAN').fill(canaries.forge('payout-iban'));
    await add.getByLabel('Label (optional)').fill('Main account');
    await add.getByRole('button', { name: 'Add method' }).click();
    await add.locator('.field-error').first().waitFor();
    expect(await add.getByLabel('IBAN').getAttribute('aria-invalid')).toBe('true');
    await checkPage(reseller, 'reseller-actions-06-payout-method-iban-refused');
    const iban = canaries.plant('payout-iban', canaryIban(true), true);
    await add.getByLabel('IBAN').fill(iban);
    await add.getByRole('button', { name: 'Add method' }).click();
    const method = reseller.getByRole('table', { name: 'Payout methods' }).getByRole('row', { name: /Main account/ });
    await method.waitFor();
    const shown = (await method.textContent()) ?? '';
    expect(shown).toContain('Bank transfer');
    expect(shown).toContain(iban.slice(-4));
    expect(shown).not.toContain(iban.slice(-10));

    const form = reseller.getByRole('form', { name: 'Request a payout' });
    await form.getByLabel('Amount (EUR)').fill('5.00');
    await form.getByRole('button', { name: 'Request payout' }).click();
    await form.getByText(/^must be at least 10/).waitFor();
    expect(await form.getByLabel('Amount (EUR)').getAttribute('aria-invalid')).toBe('true');
    expect((await api.get(`/v1/payouts?resellerId=${world.resellerId}`, world.adminKey)).body.items).toEqual([]);

    // the corrected request is held on its way until the page's progress is seen
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const isPayouts = (url: URL) => url.pathname === '/v1/payouts';
    await reseller.route(isPayouts, async (route) => {
      if (route.request().method() === 'POST') await held;
      await route.continue();
    });
    await form.getByLabel('Amount (EUR)').fill('15.00');
    await form.getByRole('button', { name: 'Request payout' }).click();
    const progress = reseller.getByRole('status').filter({ hasText: 'Sending your payout request' });
    await progress.waitFor();
    expect(await form.getByRole('button', { name: 'Request payout…' }).isDisabled()).toBe(true);
    expect(await form.getAttribute('aria-busy')).toBe('true');
    await checkPage(reseller, 'reseller-actions-07-payout-in-flight');
    const answered = reseller.waitForResponse((r) => isPayouts(new URL(r.url())) && r.request().method() === 'POST');
    release();
    expect((await answered).status()).toBe(201);
    await reseller.unroute(isPayouts);
    await progress.waitFor({ state: 'detached' });

    const row = reseller.getByRole('table', { name: 'Payouts' }).getByRole('row').nth(1);
    await row.waitFor();
    expect((await row.getByRole('cell').allTextContents()).slice(1, 3)).toEqual(['15.00 EUR', 'requested']);
    await request.getByText('Available now: 1.875 EUR').waitFor();
    await checkPage(reseller, 'reseller-actions-08-payout-requested');
    const payouts = (await api.get(`/v1/payouts?resellerId=${world.resellerId}`, world.adminKey)).body.items;
    expect(payouts).toEqual([expect.objectContaining({ amount: '15.000000', currency: 'EUR', status: 'requested' })]);
    expect((await earnings()).wallet).toMatchObject({ available: '1.875000', reserved: '15.000000' });
  }, 120_000);

  it('the reseller invoices its approved commission, issues the invoice and downloads its PDF, which names the invoice’s number', async () => {
    await openAndCheck(reseller, 'reseller/invoices', 'Invoices', 'reseller-actions-09-invoices-none');
    const list = reseller.getByRole('region', { name: 'Invoices', exact: true });
    await list.getByText('No invoices.').waitFor();
    await reseller.getByRole('button', { name: 'Create draft invoice' }).click();
    const draft = list.getByRole('row', { name: /draft/ });
    await draft.waitFor();
    expect(await draft.textContent()).toContain('16.875 EUR');
    await draft.getByRole('button', { name: 'Issue the draft invoice' }).click();

    // the first number of the commission series in the (UTC) year of issue, read back from the API
    const issued = list.getByRole('row', { name: /RFC-\d{4}-000001/ });
    await issued.waitFor();
    const cells = await issued.getByRole('cell').allTextContents();
    const number = cells[0] ?? '';
    expect([cells[2], cells[3]]).toEqual(['16.875 EUR', 'issued']);
    await checkPage(reseller, 'reseller-actions-10-invoice-issued');
    const invoices = (await api.get(`/v1/invoices?kind=commission&resellerId=${world.resellerId}`, world.adminKey)).body.items;
    expect(invoices).toEqual([expect.objectContaining({ number, status: 'issued', total: ORDER_COMMISSION, currency: 'EUR' })]);
    expect(number).toBe(`RFC-${new Date(invoices[0].issuedAt).getUTCFullYear()}-000001`);

    const [download] = await Promise.all([reseller.waitForEvent('download'), issued.getByRole('link', { name: `Download ${number} as PDF` }).click()]);
    expect(download.suggestedFilename()).toBe(`${number}.pdf`);
    const file = await download.path();
    expect(readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain(number);
    expect(text).toMatch(/Total\s+16\.875000 EUR/);
  }, 120_000);

  it('the reseller creates a referral code; someone signs up with it through the API and is on the code’s sign-ups page', async () => {
    await openAndCheck(reseller, 'reseller/referral-codes', 'Referral codes', 'reseller-actions-11-referral-codes');
    const code = `SPRING-${randomUUID().slice(0, 6).toUpperCase()}`;
    const create = reseller.getByRole('form', { name: 'New referral code' });
    await create.getByLabel('Code (optional)').fill(code);
    await create.getByLabel('Label (optional)').fill('spring campaign');
    await create.getByRole('button', { name: 'Create code' }).click();
    await reseller.getByRole('link', { name: `0 sign-ups with ${code}` }).waitFor();

    const person = { name: 'Grace Hopper', email: `grace+${randomUUID().slice(0, 8)}@example.com` };
    const password = canaries.plant('password', `orchid-${randomUUID().slice(0, 8)}-compass-timber`, true);
    const signup = await api.call('POST', '/v1/auth/signup', null, { body: { ...person, password, referralCode: code } });
    expect(signup.status).toBe(202);
    // the sign-up made a customer of this reseller
    const users = (await api.get('/v1/users?role=customer&limit=100', world.adminKey)).body.items as Array<{ email: string; customerId: string }>;
    const user = users.find((u) => u.email === person.email);
    expect((await api.get(`/v1/customers/${user?.customerId}`, world.adminKey)).body).toMatchObject({ resellerId: world.resellerId });

    await openAndCheck(reseller, 'reseller/referral-codes', 'Referral codes', 'reseller-actions-12-referral-code-used');
    await reseller.getByRole('link', { name: `1 sign-up with ${code}` }).click();
    await reseller.getByRole('heading', { level: 1, name: 'Sign-ups with a referral code' }).waitFor();
    const row = reseller.getByRole('table', { name: 'Sign-ups' }).getByRole('row', { name: new RegExp(person.name) });
    await row.waitFor();
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells.slice(1, 3)).toEqual([`${person.name} (${person.email})`, 'not yet']);
    expect(await reseller.getByRole('table', { name: 'Sign-ups' }).getByRole('row').count()).toBe(2);
    await checkPage(reseller, 'reseller-actions-13-referral-signups');
  }, 120_000);

  it('the admin creates a runner registration token (shown once) a runner registers with, and sets a tiered price whose every amount shows its currency', async () => {
    await openAndCheck(admin, 'admin/runners', 'Runners', 'reseller-admin-actions-01-runners');
    const create = admin.getByRole('form', { name: 'New registration token' });
    await create.getByLabel('Description').fill('eu shared pool');
    await create.getByLabel('Runners it may register (optional)').fill('1');
    await create.getByRole('button', { name: 'Create token' }).click();
    const secret = admin.locator('.secret');
    await secret.waitFor();
    expect(await secret.textContent()).toContain('it is not shown again');
    const token = canaries.plant('registration-token', (await secret.locator('code').textContent()) ?? '', true);
    expect(token).toMatch(/^rf_rg_/);
    const tokens = admin.getByRole('table', { name: 'Registration tokens' });
    const tokenRow = tokens.getByRole('row', { name: /eu shared pool/ });
    await tokenRow.waitFor();
    expect(await tokenRow.textContent()).toContain(token.slice(token.length - 4));
    expect(await tokenRow.textContent()).not.toContain(token);
    await checkPage(admin, 'reseller-admin-actions-02-registration-token');

    const runner = await api.post('/v1/runners', token, { name: 'eu-shared-1', jobTypes: ['render'], capacity: 2, version: '1.0.0' });
    canaries.plant('runner-token', runner.token, true);
    expect(runner).toMatchObject({ name: 'eu-shared-1', scope: 'shared', status: 'active' });
    expect((await api.call('POST', '/v1/runners/me/heartbeat', runner.token, { body: { freeCapacity: 2 } })).status).toBe(200);
    const listed = (await api.get('/v1/registration-tokens', world.adminKey)).body.items;
    expect(listed).toEqual([expect.objectContaining({ id: runner.registrationTokenId, description: 'eu shared pool', uses: 1, maxUses: 1, status: 'used_up' })]);

    await openAndCheck(admin, 'admin/runners', 'Runners', 'reseller-admin-actions-03-runner-registered');
    const runnerRow = admin.getByRole('table', { name: 'Runners' }).getByRole('row', { name: /eu-shared-1/ });
    await runnerRow.waitFor();
    expect((await runnerRow.getByRole('cell').allTextContents()).slice(0, 5)).toEqual(['eu-shared-1', 'render', '2', 'everyone', 'active']);
    expect((await tokens.getByRole('row', { name: /eu shared pool/ }).getByRole('cell').allTextContents()).slice(3, 5)).toEqual(['1 of 1', 'used_up']);
    // the token was shown once: not after the page is opened again
    expect(await admin.locator('.secret').count()).toBe(0);
    expect(await admin.content()).not.toContain(token);

    await openAndCheck(admin, 'admin/price-lists', 'Price lists', 'reseller-admin-actions-04-price-lists-empty');
    const price = admin.getByRole('form', { name: 'Set a price' });
    await price.getByLabel('Job type').fill('render');
    await price.getByLabel('Unit', { exact: true }).selectOption('second');
    await price.getByLabel('Unit price').fill('0.02');
    // a line that is not two numbers is refused next to the field before anything is sent
    await price.getByLabel('Volume tiers (optional)').fill('10000');
    let sent = false;
    const listener = (request: { url(): string; method(): string }) => {
      if (request.method() === 'POST' && request.url().endsWith('/v1/price-lists')) sent = true;
    };
    admin.on('request', listener);
    await price.getByRole('button', { name: 'Set price' }).click();
    await price.getByText(/^Line 1: the units it starts from, then its unit price/).waitFor();
    admin.off('request', listener);
    expect(sent).toBe(false);
    // tiers must rise: the API's refusal is shown next to the field
    await price.getByLabel('Volume tiers (optional)').fill('50000 0.01\n10000 0.015');
    await price.getByRole('button', { name: 'Set price' }).click();
    await price.getByText('fromUnits must rise from tier to tier').waitFor();
    expect(await price.getByLabel('Volume tiers (optional)').getAttribute('aria-invalid')).toBe('true');
    await checkPage(admin, 'reseller-admin-actions-05-price-tiers-refused');
    await price.getByLabel('Volume tiers (optional)').fill('10000 0.015\n50000 0.01');
    await price.getByRole('button', { name: 'Set price' }).click();

    const row = admin.getByRole('table', { name: 'Prices' }).getByRole('row', { name: /render/ });
    await row.waitFor();
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['render', '0.02 EUR / second', 'from 10000 seconds: 0.015 EUR / secondfrom 50000 seconds: 0.01 EUR / second']);
    const amounts = await row.locator('.money').allTextContents();
    expect(amounts).toEqual(['0.02 EUR', '0.015 EUR', '0.01 EUR']);
    await checkPage(admin, 'reseller-admin-actions-06-price-set');
    const prices = (await api.get('/v1/price-lists', world.adminKey)).body.items;
    expect(prices).toEqual([
      expect.objectContaining({
        jobType: 'render',
        unit: 'second',
        unitPrice: '0.020000',
        currency: 'EUR',
        resellerId: null,
        tiers: [
          { fromUnits: '10000.000000', unitPrice: '0.015000' },
          { fromUnits: '50000.000000', unitPrice: '0.010000' },
        ],
      }),
    ]);
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
    expect(report.searched.canaries).toBeGreaterThanOrEqual(14);
  }, 60_000);
});
