// Reseller: its customers' orders (GET /v1/orders), newest first, filtered by status — paid ones
// are the ones waiting for the reseller to fulfil them (each opens its order page).
import { useState } from 'react';
import { Link } from 'react-router';
import { DateTime } from '../../components/date-time';
import { Money } from '../../components/money';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';

export type OrderStatus = 'pending' | 'paid' | 'fulfilled' | 'failed' | 'cancelled';

export interface Order {
  id: string;
  customerId: string;
  resellerId: string | null;
  offeringId: string;
  providerId: string;
  offeringName: string;
  unit: string;
  quantity: number;
  commissionBps: number;
  basePrice: string;
  commission: string;
  total: string;
  currency: string;
  status: OrderStatus;
  reason: string | null;
  externalOrderId: string | null;
  details: Record<string, unknown> | null;
  createdAt: string;
  paidAt: string | null;
  fulfilledAt: string | null;
  failedAt: string | null;
}

const STATUSES: { value: string; label: string }[] = [
  { value: 'paid', label: 'Paid: awaiting fulfilment' },
  { value: '', label: 'All' },
  { value: 'pending', label: 'Pending payment' },
  { value: 'fulfilled', label: 'Fulfilled' },
  { value: 'failed', label: 'Failed' },
  { value: 'cancelled', label: 'Cancelled' },
];

export function ResellerOrdersPage() {
  usePageTitle('Orders');
  const [status, setStatus] = useState('paid');

  return (
    <>
      <h1>Orders</h1>
      <div className="filters">
        <label htmlFor="order-status">Status</label>
        <select id="order-status" value={status} onChange={(e) => setStatus(e.target.value)}>
          {STATUSES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      <PagedList<Order>
        path="/v1/orders"
        query={{ status }}
        caption="Orders"
        rowKey={(o) => o.id}
        empty="No orders with this status."
        columns={[
          { header: 'Offering', cell: (o) => <Link to={`/reseller/orders/${o.id}`}>{`${o.offeringName} × ${o.quantity}`}</Link> },
          { header: 'Customer', cell: (o) => <Link to={`/reseller/customers/${o.customerId}`}>{o.customerId.slice(0, 8)}</Link> },
          { header: 'Total', cell: (o) => <Money amount={o.total} currency={o.currency} /> },
          { header: 'Commission', cell: (o) => <Money amount={o.commission} currency={o.currency} /> },
          { header: 'Status', cell: (o) => o.status },
          { header: 'Ordered', cell: (o) => <DateTime value={o.createdAt} /> },
        ]}
      />
    </>
  );
}
