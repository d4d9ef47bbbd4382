// Who may receive an invoice's PDF (issue 17 item 5): only the account the invoice is addressed
// to — and BILLING_URL, where it is read from, is checked at boot.
import { randomUUID } from 'node:crypto';
import { configSchema } from '../../src/config';
import { invoiceAttachment, isTransient, mayReceiveInvoice, type InvoicePdfs } from '../../src/domain/invoice-attachment';
import { BillingUnavailableError } from '../../src/email/billing-invoices';

const C = randomUUID();
const R = randomUUID();
const customer = (accountId: string) => ({ accountType: 'customer' as const, accountId });
const reseller = (accountId: string) => ({ accountType: 'reseller' as const, accountId });

describe('who may receive an invoice PDF', () => {
  it("a usage statement goes to its customer only, not to the customer's reseller", () => {
    const statement = { kind: 'usage', customerId: C, resellerId: R };
    expect(mayReceiveInvoice(customer(C), statement)).toBe(true);
    expect(mayReceiveInvoice(reseller(R), statement)).toBe(false);
    expect(mayReceiveInvoice(customer(randomUUID()), statement)).toBe(false);
  });

  it('a commission invoice goes to its reseller only', () => {
    const commission = { kind: 'commission', customerId: null, resellerId: R };
    expect(mayReceiveInvoice(reseller(R), commission)).toBe(true);
    expect(mayReceiveInvoice(reseller(randomUUID()), commission)).toBe(false);
    expect(mayReceiveInvoice(customer(R), commission)).toBe(false);
  });

  it('an invoice of a kind billing has not told us of goes to nobody', () => {
    expect(mayReceiveInvoice(customer(C), { kind: '', customerId: C, resellerId: R })).toBe(false);
  });

  it('names the attachment after the invoice number, as application/pdf', async () => {
    const pdfs: InvoicePdfs = { fetch: async () => ({ pdf: Buffer.from('%PDF'), kind: 'usage', number: 'RF-2026-000042', customerId: C, resellerId: null }) };
    expect(await invoiceAttachment(pdfs, customer(C), { invoiceId: randomUUID() })).toEqual({
      attachment: { filename: 'RF-2026-000042.pdf', content: Buffer.from('%PDF'), contentType: 'application/pdf' },
    });
    expect(await invoiceAttachment(pdfs, reseller(R), { invoiceId: randomUUID() })).toEqual({ refused: expect.stringContaining('not the addressee') });
  });
});

describe('a failed billing read', () => {
  it('waits for billing while it is down or failing, but not for a 4xx about one invoice', () => {
    expect(isTransient(new BillingUnavailableError('billing unreachable (ECONNREFUSED)'))).toBe(true);
    expect(isTransient(new BillingUnavailableError('billing answered 503', { status: 503 }))).toBe(true);
    expect(isTransient(new BillingUnavailableError('billing answered 404', { status: 404 }))).toBe(false);
    expect(isTransient(new Error('smtp down'))).toBe(false);
  });
});

describe('BILLING_URL', () => {
  const base = { PRINCIPAL_SECRET: 'x'.repeat(40), AMQP_URL: 'amqp://127.0.0.1', DATABASE_URL: 'postgresql://127.0.0.1/n' };

  it('takes one URL or several replicas comma-separated, and refuses what is not an http(s) URL', () => {
    expect(configSchema.parse(base).BILLING_URL).toEqual(['http://127.0.0.1:8082']);
    expect(configSchema.parse({ ...base, BILLING_URL: 'http://a:8082, http://b:8102' }).BILLING_URL).toEqual(['http://a:8082', 'http://b:8102']);
    for (const bad of ['ftp://billing', 'billing:8082', ',']) expect(configSchema.safeParse({ ...base, BILLING_URL: bad }).success).toBe(false);
  });
});
