// Reseller: its earnings (GET /v1/resellers/me/earnings, billing's summary: totals, the earnings
// wallet, by month) and its commissions one by one (GET /v1/commissions), filtered by status.
import { useState } from 'react';
import { DateTime } from '../../components/date-time';
import { ErrorNotice } from '../../components/error-notice';
import { Money } from '../../components/money';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';
import { Progress } from '../../components/progress';
import { useResource } from '../../components/use-resource';

interface Totals {
  pending: string;
  approved: string;
  paid: string;
  clawedBack: string;
}

export interface Earnings {
  currency: string;
  totals: Totals;
  wallet: { balance: string; reserved: string; available: string; owed: string };
  byMonth: (Totals & { month: string })[];
}

interface Commission {
  id: string;
  customerId: string;
  kind: 'earning' | 'clawback';
  source: { kind: 'job' | 'order'; id: string };
  base: string;
  rateBps: number;
  tierBonusBps: number;
  amount: string;
  currency: string;
  status: 'pending' | 'approved' | 'paid';
  earnedAt: string;
}

export function ResellerCommissionsPage() {
  usePageTitle('Commissions');
  const [status, setStatus] = useState('');
  const earnings = useResource<Earnings>('/v1/resellers/me/earnings');
  const e = earnings.data;

  return (
    <>
      <h1>Commissions</h1>
      <section aria-labelledby="earnings">
        <h2 id="earnings">Earnings</h2>
        {earnings.error ? (
          <ErrorNotice error={earnings.error} />
        ) : !e ? (
          <Progress label="Loading your earnings" />
        ) : (
          <dl className="facts">
            <dt>Pending approval</dt>
            <dd><Money amount={e.totals.pending} currency={e.currency} /></dd>
            <dt>Approved, not paid out</dt>
            <dd><Money amount={e.totals.approved} currency={e.currency} /></dd>
            <dt>Paid out</dt>
            <dd><Money amount={e.totals.paid} currency={e.currency} /></dd>
            <dt>Clawed back</dt>
            <dd><Money amount={e.totals.clawedBack} currency={e.currency} /></dd>
            <dt>Available to pay out</dt>
            <dd><Money amount={e.wallet.available} currency={e.currency} /></dd>
          </dl>
        )}
      </section>
      <section aria-labelledby="commission-list">
        <h2 id="commission-list">Each commission</h2>
        <div className="filters">
          <label htmlFor="commission-status">Status</label>
          <select id="commission-status" value={status} onChange={(ev) => setStatus(ev.target.value)}>
            <option value="">All</option>
            <option value="pending">Pending</option>
            <option value="approved">Approved</option>
            <option value="paid">Paid</option>
          </select>
        </div>
        <PagedList<Commission>
          path="/v1/commissions"
          query={{ status }}
          caption="Commissions"
          rowKey={(c) => c.id}
          empty="No commissions yet."
          columns={[
            { header: 'Earned', cell: (c) => <DateTime value={c.earnedAt} /> },
            { header: 'Source', cell: (c) => `${c.kind === 'clawback' ? 'clawback of ' : ''}${c.source.kind} ${c.source.id.slice(0, 8)}` },
            { header: 'Sale', cell: (c) => <Money amount={c.base} currency={c.currency} /> },
            { header: 'Amount', cell: (c) => <Money amount={c.amount} currency={c.currency} /> },
            { header: 'Status', cell: (c) => c.status },
          ]}
        />
      </section>
    </>
  );
}
