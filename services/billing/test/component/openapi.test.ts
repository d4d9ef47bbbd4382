// Every billing route is in the service's OpenAPI document (DESIGN.md §8), generated from the zod
// schemas that validate it, with the Idempotency-Key of money-moving POSTs documented as required.
import { createWorld, type World } from '../support/world';

jest.setTimeout(60_000);

let world: World;
let doc: { paths: Record<string, Record<string, { parameters?: { name: string; in: string; required?: boolean }[] }>> };

beforeAll(async () => {
  world = await createWorld('billing_openapi');
  const res = await world.as('admin').get('/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
});

afterAll(async () => {
  await world?.close();
});

describe('the OpenAPI document', () => {
  it('describes every billing route', () => {
    const declared = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m} ${path}`));
    expect(declared.sort()).toEqual(
      [
        'get /v1/wallets',
        'get /v1/wallets/{walletId}',
        'get /v1/wallets/{walletId}/transactions',
        'post /v1/wallets/{walletId}/credits',
        'patch /v1/wallets/{walletId}',
        'post /v1/wallets/{walletId}/refunds',
        'get /v1/holds',
        'get /v1/holds/{holdId}',
        'get /v1/price-lists',
        'post /v1/price-lists',
        'get /v1/price-lists/{jobType}/versions',
        'delete /v1/price-lists/{jobType}',
        'get /v1/commissions',
        'get /v1/commissions/{commissionId}',
        'post /v1/commissions/{commissionId}/approve',
        'get /v1/resellers/me/earnings',
        'get /v1/resellers/{resellerId}/earnings',
        'get /v1/payout-methods',
        'post /v1/payout-methods',
        'get /v1/payout-methods/{methodId}',
        'get /v1/payouts',
        'post /v1/payouts',
        'get /v1/payouts/{payoutId}',
        'post /v1/payouts/{payoutId}/process',
        'post /v1/payouts/{payoutId}/complete',
        'post /v1/payouts/{payoutId}/fail',
        'get /v1/invoices',
        'get /v1/invoices/{invoiceId}',
        'get /v1/invoices/{invoiceId}.pdf',
        'post /v1/invoices',
        'post /v1/invoices/{invoiceId}/issue',
        'post /v1/invoices/{invoiceId}/pay',
        'post /v1/invoices/{invoiceId}/void',
        'get /internal/invoices/{invoiceId}.pdf',
      ].sort(),
    );
  });

  it('documents the Idempotency-Key of a credit and of a payout request as required', () => {
    for (const path of ['/v1/wallets/{walletId}/credits', '/v1/payouts']) {
      const header = doc.paths[path]!.post!.parameters!.find((p) => p.in === 'header');
      expect(header).toMatchObject({ name: 'idempotency-key', required: true });
    }
  });

  it('documents the invoice PDF as application/pdf', () => {
    const ok = (doc.paths['/v1/invoices/{invoiceId}.pdf']!.get as unknown as { responses: Record<string, { content: Record<string, unknown> }> }).responses['200']!;
    expect(Object.keys(ok.content)).toEqual(['application/pdf']);
  });
});
