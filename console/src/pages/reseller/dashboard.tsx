// Reseller: the dashboard (GET /v1/resellers/me/dashboard, the gateway's fan-out view): this
// month's earnings, tier progress, orders awaiting fulfilment and recent activity. A section a
// service could not give is shown as unavailable; the rest of the page still works (docs/api.md
// "Views").
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { MoneyValue } from '../../api/types';
import { DateTime } from '../../components/date-time';
import { ErrorNotice } from '../../components/error-notice';
import { Money } from '../../components/money';
import { usePageTitle } from '../../components/page-title';
import { Progress } from '../../components/progress';
import { useResource } from '../../components/use-resource';
import type { Order } from './orders';

type Section<T> =
  | { status: 'ok'; data: T }
  | { status: 'unavailable'; service: string; code: string; detail: string }
  | { status: 'forbidden'; code: string; detail: string };

interface ListData<T> {
  items: T[];
  more: boolean;
}

interface Dashboard {
  partial: boolean;
  unavailable: string[];
  generatedAt: string;
  sections: {
    customers: Section<ListData<{ id: string; name: string; email: string }>>;
    thisMonth: Section<{ month: string; currency: string; sales: string; earnings: { pending: string; approved: string; paid: string; clawedBack: string } }>;
    tier: Section<{
      tier: string;
      trailingSales: { currency: string; amount: string };
      nextTier: { tier: string; threshold: string; remaining: string } | null;
    }>;
    ordersAwaitingFulfilment: Section<ListData<Order>>;
    recentActivity: Section<ListData<{ id: string; type: string; title: string; occurredAt: string }> & { unreadCount: number }>;
  };
}

function SectionBody<T>({ section, children }: { section: Section<T>; children(data: T): ReactNode }) {
  if (section.status === 'ok') return <>{children(section.data)}</>;
  if (section.status === 'unavailable') return <p className="unavailable">Unavailable right now ({section.service}): {section.detail}</p>;
  return <p className="unavailable">Not available to you: {section.detail}</p>;
}

export function ResellerDashboardPage() {
  usePageTitle('Dashboard');
  const { data: view, error } = useResource<Dashboard>('/v1/resellers/me/dashboard');

  if (error) return <ErrorNotice error={error} />;
  if (!view) return <Progress label="Loading your dashboard" />;
  const { thisMonth, tier, ordersAwaitingFulfilment, recentActivity, customers } = view.sections;
  const money = (amount: string, currency: string): MoneyValue => ({ amount, currency });

  return (
    <>
      <h1>Dashboard</h1>
      {view.partial && (
        <p role="status" className="unavailable">
          Some sections are unavailable right now: {view.unavailable.join(', ')}. The rest is current.
        </p>
      )}
      <div className="cards">
        <section aria-labelledby="this-month">
          <h2 id="this-month">Earnings this month</h2>
          <SectionBody section={thisMonth}>
            {(m) => (
              <dl className="facts">
                <dt>Month</dt>
                <dd>{m.month}</dd>
                <dt>Sales</dt>
                <dd><Money {...money(m.sales, m.currency)} /></dd>
                <dt>Pending</dt>
                <dd><Money {...money(m.earnings.pending, m.currency)} /></dd>
                <dt>Approved</dt>
                <dd><Money {...money(m.earnings.approved, m.currency)} /></dd>
                <dt>Paid</dt>
                <dd><Money {...money(m.earnings.paid, m.currency)} /></dd>
              </dl>
            )}
          </SectionBody>
        </section>
        <section aria-labelledby="tier">
          <h2 id="tier">Tier</h2>
          <SectionBody section={tier}>
            {(t) => (
              <dl className="facts">
                <dt>Tier</dt>
                <dd>{t.tier}</dd>
                <dt>Trailing sales</dt>
                <dd><Money {...t.trailingSales} /></dd>
                <dt>Next tier</dt>
                <dd>
                  {t.nextTier ? (
                    <>
                      {t.nextTier.tier}: <Money {...money(t.nextTier.remaining, t.trailingSales.currency)} /> to go of{' '}
                      <Money {...money(t.nextTier.threshold, t.trailingSales.currency)} />
                    </>
                  ) : (
                    'the top tier'
                  )}
                </dd>
              </dl>
            )}
          </SectionBody>
        </section>
      </div>
      <section aria-labelledby="awaiting">
        <h2 id="awaiting">Orders awaiting fulfilment</h2>
        <SectionBody section={ordersAwaitingFulfilment}>
          {(orders) =>
            orders.items.length === 0 ? (
              <p>No paid orders are waiting.</p>
            ) : (
              <ul>
                {orders.items.map((o) => (
                  <li key={o.id}>
                    <Link to={`/reseller/orders/${o.id}`}>
                      {o.offeringName} × {o.quantity}
                    </Link>{' '}
                    — <Money amount={o.total} currency={o.currency} />, paid {o.paidAt ? new Date(o.paidAt).toLocaleString() : ''}
                  </li>
                ))}
                {orders.more && (
                  <li>
                    <Link to="/reseller/orders">All orders</Link>
                  </li>
                )}
              </ul>
            )
          }
        </SectionBody>
      </section>
      <section aria-labelledby="activity">
        <h2 id="activity">Recent activity</h2>
        <SectionBody section={recentActivity}>
          {(feed) => (
            <>
              <p>{feed.unreadCount} unread</p>
              {feed.items.length === 0 ? (
                <p>Nothing yet.</p>
              ) : (
                <ul>
                  {feed.items.map((item) => (
                    <li key={item.id}>
                      <DateTime value={item.occurredAt} />: {item.title}
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
        </SectionBody>
      </section>
      <section aria-labelledby="newest-customers">
        <h2 id="newest-customers">Newest customers</h2>
        <SectionBody section={customers}>
          {(list) =>
            list.items.length === 0 ? (
              <p>No customers yet.</p>
            ) : (
              <ul>
                {list.items.map((c) => (
                  <li key={c.id}>
                    <Link to={`/reseller/customers/${c.id}`}>{c.name}</Link> ({c.email})
                  </li>
                ))}
              </ul>
            )
          }
        </SectionBody>
      </section>
    </>
  );
}
