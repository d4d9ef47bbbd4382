// An invoice PDF through the gateway (issue 16 item 2: `GET /v1/invoices/{id}.pdf`): routed to
// billing by the `.pdf` path, scope-checked as invoices:read, its binary body passed on byte for
// byte; a reseller that is not the customer's gets 404.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { createHealth, createLogger, createMetrics, listen } from '@runfleet/service-kit';
import { createTestDatabase, createTestVhost, type TestDatabase, type TestVhost } from '@runfleet/test-infra';
import { createPrisma, type PrismaClient } from '../../../billing/src/db';
import { buildApp as buildBilling } from '../../../billing/src/http/app';
import { migrate } from '../../../billing/src/migrate';
import { createAccounts, createKey, type Accounts } from '../support/accounts';
import { DOWN_URL, PRINCIPAL_SECRET, closeAgents, startGateway, type GatewayUnderTest } from '../support/gateway-under-test';
import { startReseller, type ResellerUnderTest } from '../support/reseller-under-test';

jest.setTimeout(60_000);

let vhost: TestVhost;
let reseller: ResellerUnderTest;
let db: TestDatabase;
let prisma: PrismaClient;
let billing: Server;
let gw: GatewayUnderTest;
let accounts: Accounts;
let other: Accounts;
let invoiceId: string;

beforeAll(async () => {
  vhost = await createTestVhost('gateway_invoice_pdf');
  reseller = await startReseller(vhost.url);
  db = await createTestDatabase('gateway_invoice_pdf');
  await migrate(db.url);
  prisma = createPrisma(db.url, { poolMax: 2 });
  billing = await listen(
    buildBilling({ prisma, logger: createLogger({ service: 'billing', level: 'silent' }), metrics: createMetrics('billing'), health: createHealth([]), principalSecret: PRINCIPAL_SECRET }),
    0,
  );
  const address = billing.address();
  const billingUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  gw = await startGateway({ upstreams: { reseller: reseller.url, billing: billingUrl, 'runner-registry': DOWN_URL, notifications: DOWN_URL } });
  accounts = await createAccounts(gw.url, reseller.adminKey, 'invoicepdf');
  other = await createAccounts(gw.url, reseller.adminKey, 'invoicepdf_other');
  const invoice = await prisma.invoice.create({
    data: {
      kind: 'usage',
      series: 'RF',
      number: 'RF-2026-000077',
      status: 'issued',
      customerId: accounts.customerId,
      resellerId: accounts.resellerId,
      currency: 'EUR',
      periodStart: new Date('2026-11-01T00:00:00Z'),
      periodEnd: new Date('2026-11-30T00:00:00Z'),
      total: 42_500_000n,
      issuedAt: new Date(),
      dueDate: new Date('2026-12-15T00:00:00Z'),
      createdByType: 'system',
      lines: { create: [{ position: 1, kind: 'order', description: 'Order o-1', amount: 42_500_000n }] },
    },
  });
  invoiceId = invoice.id;
});

afterAll(async () => {
  await gw?.close();
  billing?.closeAllConnections();
  await new Promise((resolve) => (billing ? billing.close(resolve) : resolve(undefined)));
  await prisma?.$disconnect();
  await db?.drop();
  await reseller?.close();
  await vhost?.drop();
  await closeAgents();
});

const getPdf = async (key: string) => {
  const response = await request(`${gw.url}/v1/invoices/${invoiceId}.pdf`, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.statusCode, type: response.headers['content-type'], body: Buffer.from(await response.body.arrayBuffer()) };
};

function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gateway-pdf-'));
  try {
    writeFileSync(path.join(dir, 'invoice.pdf'), pdf);
    return execFileSync('pdftotext', [path.join(dir, 'invoice.pdf'), '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('GET /v1/invoices/{id}.pdf through the gateway', () => {
  it('reaches billing and comes back as the PDF, whole', async () => {
    const res = await getPdf(accounts.customerKey);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/pdf');
    expect(res.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(res.body);
    expect(text).toContain('RF-2026-000077');
    expect(text).toContain('42.500000 EUR');
  });

  it("is 404 for another reseller's key and another customer's", async () => {
    expect((await getPdf(other.resellerKey)).status).toBe(404);
    expect((await getPdf(other.customerKey)).status).toBe(404);
    expect((await getPdf(accounts.resellerKey)).status).toBe(200);
  });

  it('needs invoices:read on a scoped key', async () => {
    const unscoped = await createKey(gw.url, reseller.adminKey, { ownerType: 'customer', ownerId: accounts.customerId });
    expect((await getPdf(unscoped.key)).status).toBe(200);
    const scoped = await request(`${gw.url}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${reseller.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'wallets only', ownerType: 'customer', ownerId: accounts.customerId, scopes: ['wallets:read'] }),
    });
    expect(scoped.statusCode).toBe(201);
    const { key } = (await scoped.body.json()) as { key: string };
    expect((await getPdf(key)).status).toBe(403);
  });
});
