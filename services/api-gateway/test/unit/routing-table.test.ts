// The routing table and the idempotency policy: which service owns a path, which POSTs need a key.
import { idempotencyKeyRequired } from '../../src/http/idempotency-policy';
import { RouteTemplates } from '../../src/http/route-templates';
import { LONG_POLL_ROUTES, longPollFor, longPollTimeoutMs, publicRouteFor, ROUTING_TABLE, routeFor, viewFor } from '../../src/http/routing-table';

describe('routeFor', () => {
  it('sends a path to the service owning its prefix, for the prefix itself and anything below it', () => {
    expect(routeFor('/v1/jobs')?.upstream).toBe('runner-registry');
    expect(routeFor('/v1/jobs/123/cancel')?.upstream).toBe('runner-registry');
    expect(routeFor('/v1/wallets/w1/top-ups')?.upstream).toBe('billing');
    expect(routeFor('/v1/customers/{customerId}')?.upstream).toBe('reseller');
  });

  it("sends a reseller's earnings summary to billing and everything else under /v1/resellers to the reseller service", () => {
    expect(routeFor('/v1/resellers/me/earnings')?.upstream).toBe('billing');
    expect(routeFor('/v1/resellers/0b6f0c3e-1111-4222-8333-444455556666/earnings')?.upstream).toBe('billing');
    expect(routeFor('/v1/resellers/0b6f0c3e-1111-4222-8333-444455556666/tier')?.upstream).toBe('reseller');
    expect(routeFor('/v1/resellers/0b6f0c3e-1111-4222-8333-444455556666')?.upstream).toBe('reseller');
    expect(routeFor('/v1/commissions/c1/approve')?.upstream).toBe('billing');
    expect(routeFor('/v1/payout-methods')?.upstream).toBe('billing');
  });

  it('matches whole segments only, and nothing outside /v1', () => {
    expect(routeFor('/v1/jobsx')).toBeUndefined();
    expect(routeFor('/v1')).toBeUndefined();
    expect(routeFor('/internal/api-keys/verify')).toBeUndefined();
    expect(routeFor('/health/ready')).toBeUndefined();
  });

  it("routes billing's payment webhook only as an unauthenticated route: exact method and path, nothing below or beside it", () => {
    expect(routeFor('/v1/payments/webhook')).toBeUndefined();
    expect(publicRouteFor('POST', '/v1/payments/webhook')).toMatchObject({ upstream: 'billing', headers: expect.arrayContaining(['stripe-signature']) });
    expect(publicRouteFor('GET', '/v1/payments/webhook')).toBeUndefined();
    expect(publicRouteFor('POST', '/v1/payments/webhook/x')).toBeUndefined();
    expect(publicRouteFor('POST', '/v1/payments')).toBeUndefined();
    expect(publicRouteFor('POST', '/v1/wallets')).toBeUndefined();
  });

  it("sends invoices and their PDFs to billing", () => {
    expect(routeFor('/v1/invoices')?.upstream).toBe('billing');
    expect(routeFor('/v1/invoices/0b6f0c3e-1111-4222-8333-444455556666.pdf')?.upstream).toBe('billing');
  });

  it('has one owner per prefix', () => {
    const prefixes = ROUTING_TABLE.map((entry) => entry.prefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });
});

describe('viewFor', () => {
  const id = '0b6f0c3e-1111-4222-8333-444455556666';

  it('takes the two fan-out views from the prefixes that would forward them (reseller, billing)', () => {
    expect(viewFor('GET', `/v1/customers/${id}/overview`)?.view).toBe('customer-overview');
    expect(viewFor('GET', '/v1/customers/{customerId}/overview')?.view).toBe('customer-overview');
    expect(viewFor('GET', '/v1/resellers/me/dashboard')?.view).toBe('reseller-dashboard');
  });

  it('matches GET and the exact path only: anything below, beside or before them is forwarded as before', () => {
    expect(viewFor('POST', `/v1/customers/${id}/overview`)).toBeUndefined();
    expect(viewFor('HEAD', '/v1/resellers/me/dashboard')).toBeUndefined();
    expect(viewFor('GET', `/v1/customers/${id}/overview/x`)).toBeUndefined();
    expect(viewFor('GET', `/v1/customers/${id}`)).toBeUndefined();
    expect(viewFor('GET', '/v1/customers/overview')).toBeUndefined();
    expect(viewFor('GET', `/v1/resellers/${id}/dashboard`)).toBeUndefined();
    expect(viewFor('GET', '/v1/resellers/me/earnings')).toBeUndefined();
    expect(viewFor('GET', `/v1/projects/${id}/overview`)).toBeUndefined();
  });
});

describe('idempotencyKeyRequired', () => {
  it('requires a key on POSTs that place an order or a job or move money', () => {
    expect(idempotencyKeyRequired('POST', '/v1/orders')).toBe(true);
    expect(idempotencyKeyRequired('POST', '/v1/jobs')).toBe(true);
    expect(idempotencyKeyRequired('POST', '/v1/wallets/w_1/credits')).toBe(true);
    expect(idempotencyKeyRequired('POST', '/v1/wallets/w_1/refunds')).toBe(true);
    expect(idempotencyKeyRequired('POST', '/v1/payouts')).toBe(true);
  });

  it('does not require one elsewhere: other methods, other POSTs, sub-resources of those paths', () => {
    expect(idempotencyKeyRequired('GET', '/v1/orders')).toBe(false);
    expect(idempotencyKeyRequired('POST', '/v1/customers')).toBe(false);
    expect(idempotencyKeyRequired('POST', '/v1/orders/o1/cancel')).toBe(false);
    expect(idempotencyKeyRequired('POST', '/v1/wallets/w_1')).toBe(false);
  });
});

describe('RouteTemplates', () => {
  const templates = new RouteTemplates(() => Promise.reject(new Error('not loaded in this test')));
  templates.use(['/v1/invoices', '/v1/invoices/{invoiceId}', '/v1/invoices/{invoiceId}.pdf', '/v1/invoices/{invoiceId}/issue']);

  it('labels a PDF path with its `{parameter}.pdf` template, and the bare id with its own', () => {
    expect(templates.templateOf('/v1/invoices/0b6f0c3e-1111-4222-8333-444455556666.pdf')).toBe('/v1/invoices/{invoiceId}.pdf');
    expect(templates.templateOf('/v1/invoices/0b6f0c3e-1111-4222-8333-444455556666')).toBe('/v1/invoices/{invoiceId}');
    expect(templates.templateOf('/v1/invoices/i1/issue')).toBe('/v1/invoices/{invoiceId}/issue');
    expect(templates.templateOf('/v1/invoices/.pdf')).toBe('/v1/invoices/{invoiceId}');
  });
});

describe('long polls', () => {
  it("a runner's claim is one, by exact method and path; its wait is the registry's longest plus the usual timeout", () => {
    const claim = longPollFor('POST', '/v1/runners/me/jobs/claim');
    expect(claim).toBeDefined();
    expect(longPollTimeoutMs(claim!, { CLAIM_MAX_WAIT_SECONDS: 30, UPSTREAM_TIMEOUT_MS: 10_000 })).toBe(40_000);
    expect(longPollFor('GET', '/v1/runners/me/jobs/claim')).toBeUndefined();
    expect(longPollFor('POST', '/v1/runners/me/jobs/claim/x')).toBeUndefined();
    expect(longPollFor('POST', '/v1/runners/me/jobs')).toBeUndefined();
  });

  it('each long poll is forwarded to the service it names', () => {
    for (const route of LONG_POLL_ROUTES) expect(routeFor(route.path)?.upstream).toBe(route.upstream);
  });
});
