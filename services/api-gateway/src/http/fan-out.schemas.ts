// The OpenAPI description of the gateway's fan-out views (fan-out.ts), declared with the kit's
// ApiRoutes like every service's routes so the document carries the scope contracts declares
// (`x-required-scope`). The views are served on the public API's hot path, not by express: the
// router ApiRoutes registers them on is never mounted, it only collects the documentation.
import express from 'express';
import { z } from 'zod';
import { ApiRoutes } from '@runfleet/service-kit';
import type { OpenApiDocument } from '../domain/openapi-merge';
import { UPSTREAM_NAMES } from './routing-table';

const object = (description: string) => z.record(z.string(), z.unknown()).meta({ description });
const list = (description: string) => z.object({ items: z.array(object(description)), more: z.boolean().meta({ description: 'there are more than shown' }) });

/** A section: its data, or why it is missing. */
const section = <T extends z.ZodType>(data: T) =>
  z.discriminatedUnion('status', [
    z.object({ status: z.literal('ok'), data }),
    z
      .object({ status: z.literal('unavailable'), service: z.enum(UPSTREAM_NAMES), code: z.string().meta({ example: 'UPSTREAM_UNAVAILABLE' }), detail: z.string() })
      .meta({ description: 'its service is down, did not answer in time, or its circuit is open: the view is `partial`' }),
    z
      .object({ status: z.literal('forbidden'), code: z.string().meta({ example: 'AUTH_SCOPE_MISSING' }), detail: z.string() })
      .meta({ description: 'the key lacks the scope of an operation it reads, or this caller is not shown it (not `partial`)' }),
  ]);

const partial = {
  partial: z.boolean().meta({ description: 'some section is unavailable' }),
  unavailable: z.array(z.string()).meta({ description: 'the sections that are unavailable', example: ['wallet'] }),
  generatedAt: z.string().meta({ description: 'when the gateway put the view together' }),
};

export const customerOverviewSchema = z.object({
  customerId: z.uuid(),
  ...partial,
  sections: z.object({
    profile: section(object('the customer, as GET /v1/customers/{customerId} answers')),
    wallet: section(object('the wallet, as GET /v1/wallets/{walletId} answers').nullable()),
    recentJobs: section(list('a job, as GET /v1/jobs answers; the 5 newest')),
    openOrders: section(list('an order pending payment or paid and awaiting fulfilment, as GET /v1/orders answers; the 10 newest')),
    feed: section(z.object({ unreadCount: z.number().int() }).meta({ description: "the customer's unread feed items; shown to the customer itself" })),
  }),
});

export const resellerDashboardSchema = z.object({
  resellerId: z.uuid(),
  ...partial,
  sections: z.object({
    customers: section(list('a customer, as GET /v1/customers answers; the 5 newest')),
    thisMonth: section(
      z.object({
        month: z.string().meta({ example: '2026-12' }),
        currency: z.string(),
        sales: z.string().meta({ description: 'sales commission was earned on since the first of the month (UTC)', example: '1200.000000' }),
        earnings: z.object({ pending: z.string(), approved: z.string(), paid: z.string(), clawedBack: z.string() }).meta({ description: 'commission earned this month, by status' }),
      }),
    ),
    tier: section(object('the tier and the progress to the next, as GET /v1/resellers/{resellerId}/tier answers')),
    ordersAwaitingFulfilment: section(list('a paid order, as GET /v1/orders answers; the 10 newest')),
    recentActivity: section(list('a feed item, as GET /v1/feed answers; the 10 newest').extend({ unreadCount: z.number().int() })),
  }),
});

const DEGRADES =
  'Served by the gateway, which reads the services in parallel with the caller’s principal (each decides what the caller may see), ' +
  'each read with its own timeout (`FANOUT_READ_TIMEOUT_MS`) behind its service’s circuit breaker. A service down, slow or open-circuited ' +
  'does not fail the view: it answers 200 with `partial: true`, the sections it lacks named in `unavailable` and marked `status: unavailable`. ' +
  'A section is read only when the key’s scopes grant every operation it reads; otherwise it is `status: forbidden` (`AUTH_SCOPE_MISSING`).';

/** The views' document (OpenAPI 3.1), with each operation's scope. */
export function fanOutDocument(version: string): OpenApiDocument {
  const views = new ApiRoutes(express.Router(), { title: 'Runfleet API gateway: views', version });
  const neverServedHere = () => {
    throw new Error('fan-out views are served by fan-out.ts');
  };
  views.route(
    {
      method: 'get',
      path: '/v1/customers/:customerId/overview',
      summary: 'A customer’s overview: profile, wallet, recent jobs, open orders, unread feed count',
      description:
        `Admins any customer, a reseller its own customers, a customer itself (another id is 404 CUSTOMER_NOT_FOUND). The reseller service ` +
        `decides who sees the customer: its 403/404 is the whole answer. The unread feed count is the customer’s own (\`forbidden\`, ` +
        `FEED_OWNER_ONLY, for anyone else). ${DEGRADES}`,
      tags: ['views'],
      request: { params: z.object({ customerId: z.uuid() }) },
      responses: { 200: { description: 'The overview (perhaps partial)', schema: customerOverviewSchema } },
      errors: [403, 404],
    },
    neverServedHere,
  );
  views.route(
    {
      method: 'get',
      path: '/v1/resellers/me/dashboard',
      summary: 'The calling reseller’s dashboard: customers, this month’s sales and earnings, tier and progress, orders awaiting fulfilment, recent activity',
      description: `Resellers only (403 for anyone else). ${DEGRADES}`,
      tags: ['views'],
      responses: { 200: { description: 'The dashboard (perhaps partial)', schema: resellerDashboardSchema } },
      errors: [403],
    },
    neverServedHere,
  );
  return views.document31() as unknown as OpenApiDocument;
}
