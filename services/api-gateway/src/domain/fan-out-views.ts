// The gateway's fan-out views (DESIGN.md §2 "api-gateway"; issue 18 item 6): which reads each view
// makes of which service, and how their answers become the view's sections. Pure: the gateway's
// http/fan-out.ts makes the reads (in parallel, with the caller's principal, per-call timeouts and
// the upstreams' breakers) and hands the bodies back here. Each service still decides what the
// caller may see; the view only adds what no single service can: one answer from several.
import { AppError } from '@runfleet/service-kit';
import type { UpstreamName } from '../http/routing-table';

export interface ViewCaller {
  type: 'admin' | 'reseller' | 'customer' | 'runner';
  id: string;
  resellerId: string | null;
}

/** One GET of a public operation of a service, made with the caller's principal. */
export interface ServiceRead {
  service: UpstreamName;
  /** the concrete path, no query */
  path: string;
  query?: Record<string, string>;
}

export interface SectionPlan {
  name: string;
  /** the reads, made in parallel; empty when the section is withheld */
  reads: ServiceRead[];
  /** why this caller is never shown the section (no read is made) */
  withheld?: { code: string; detail: string };
  /** the section's data from the reads' JSON bodies, in the order of `reads` */
  compose: (bodies: unknown[]) => unknown;
}

export interface ViewPlan {
  sections: SectionPlan[];
  /**
   * The section whose refusal (401, 403, 404) is the whole view's answer: the service that owns the
   * object decides whether the caller may see it at all. When it is unavailable the view still
   * answers with what the other services let the caller see.
   */
  authority?: string;
}

/** How many items a section's list shows; `more` says whether there are others. */
export const RECENT_ITEMS = 5;
export const LIST_ITEMS = 10;

interface Page {
  items: Record<string, unknown>[];
  nextCursor: string | null;
}

const asPage = (body: unknown): Page => body as Page;
const listOf = (page: Page) => ({ items: page.items, more: page.nextCursor !== null });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function onlyFor(caller: ViewCaller, types: ViewCaller['type'][]): void {
  if (!types.includes(caller.type)) throw AppError.forbidden('AUTH_FORBIDDEN', `A ${caller.type} may not read this view.`);
}

/** The orders still open (pending payment, or paid and awaiting fulfilment), newest first. */
function openOrders(pending: Page, paid: Page) {
  const items = [...pending.items, ...paid.items].sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
  return {
    items: items.slice(0, LIST_ITEMS),
    more: items.length > LIST_ITEMS || pending.nextCursor !== null || paid.nextCursor !== null,
  };
}

/**
 * GET /v1/customers/{customerId}/overview: the customer's profile (the reseller service, which also
 * decides who may see the customer), wallet, recent jobs, open orders and — for the customer itself,
 * whose feed it is — the unread feed count. Admins any customer, a reseller its own, a customer itself.
 */
export function planCustomerOverview(caller: ViewCaller, customerId: string): ViewPlan {
  if (!UUID.test(customerId)) {
    throw AppError.badRequest('VALIDATION_FAILED', 'The request is invalid.', { errors: [{ field: 'params.customerId', message: 'Invalid UUID' }] });
  }
  onlyFor(caller, ['admin', 'reseller', 'customer']);
  // A customer sees only itself: another id answers as the reseller service would, reading nothing.
  if (caller.type === 'customer' && caller.id !== customerId) throw AppError.notFound('CUSTOMER_NOT_FOUND', 'There is no customer with this id.');
  const self = caller.type === 'customer';
  // The reseller service lists a customer's own orders without the filter and refuses it from a customer.
  const orderQuery = (status: string): Record<string, string> => ({ status, limit: String(LIST_ITEMS), ...(self ? {} : { customerId }) });
  return {
    authority: 'profile',
    sections: [
      { name: 'profile', reads: [{ service: 'reseller', path: `/v1/customers/${customerId}` }], compose: ([customer]) => customer },
      {
        name: 'wallet',
        reads: [{ service: 'billing', path: '/v1/wallets', query: { ownerType: 'customer', ownerId: customerId, limit: '1' } }],
        compose: ([page]) => asPage(page).items[0] ?? null,
      },
      {
        name: 'recentJobs',
        reads: [{ service: 'runner-registry', path: '/v1/jobs', query: { customerId, limit: String(RECENT_ITEMS) } }],
        compose: ([page]) => listOf(asPage(page)),
      },
      {
        name: 'openOrders',
        reads: [
          { service: 'reseller', path: '/v1/orders', query: orderQuery('pending') },
          { service: 'reseller', path: '/v1/orders', query: orderQuery('paid') },
        ],
        compose: ([pending, paid]) => openOrders(asPage(pending), asPage(paid)),
      },
      self
        ? {
            name: 'feed',
            reads: [{ service: 'notifications', path: '/v1/feed', query: { limit: '1' } }],
            compose: ([page]) => ({ unreadCount: (page as { unreadCount: number }).unreadCount }),
          }
        : {
            name: 'feed',
            reads: [],
            withheld: { code: 'FEED_OWNER_ONLY', detail: 'A feed is read only by its own account: the unread count is shown to the customer itself.' },
            compose: () => null,
          },
    ],
  };
}

interface Earnings {
  currency: string;
  byMonth: { month: string; pending: string; approved: string; paid: string; clawedBack: string }[];
  thisMonth: { month: string; sales: string };
}

const ZERO = '0.000000';

/**
 * GET /v1/resellers/me/dashboard: the calling reseller's customers, this month's sales and earnings
 * (billing), its tier and the progress to the next (the reseller service, the tier's authority),
 * paid orders awaiting its fulfilment and its recent activity (its feed). Resellers only.
 */
export function planResellerDashboard(caller: ViewCaller): ViewPlan {
  onlyFor(caller, ['reseller']);
  return {
    sections: [
      { name: 'customers', reads: [{ service: 'reseller', path: '/v1/customers', query: { limit: String(RECENT_ITEMS) } }], compose: ([page]) => listOf(asPage(page)) },
      {
        name: 'thisMonth',
        reads: [{ service: 'billing', path: '/v1/resellers/me/earnings' }],
        compose: ([body]) => {
          const earnings = body as Earnings;
          const { month, sales } = earnings.thisMonth;
          const row = earnings.byMonth.find((m) => m.month === month);
          // earned this month by status; no arithmetic on money here (DESIGN.md §5): billing's figures as they are
          const earned = row ? { pending: row.pending, approved: row.approved, paid: row.paid, clawedBack: row.clawedBack } : { pending: ZERO, approved: ZERO, paid: ZERO, clawedBack: ZERO };
          return { month, currency: earnings.currency, sales, earnings: earned };
        },
      },
      { name: 'tier', reads: [{ service: 'reseller', path: `/v1/resellers/${caller.id}/tier` }], compose: ([tier]) => tier },
      {
        name: 'ordersAwaitingFulfilment',
        reads: [{ service: 'reseller', path: '/v1/orders', query: { status: 'paid', limit: String(LIST_ITEMS) } }],
        compose: ([page]) => listOf(asPage(page)),
      },
      {
        name: 'recentActivity',
        reads: [{ service: 'notifications', path: '/v1/feed', query: { limit: String(LIST_ITEMS) } }],
        compose: ([page]) => ({ ...listOf(asPage(page)), unreadCount: (page as { unreadCount: number }).unreadCount }),
      },
    ],
  };
}
