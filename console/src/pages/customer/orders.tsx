// Customer: its orders (GET /v1/orders), newest first, filterable by status.
import { useState } from 'react';
import { Link } from 'react-router';
import { DateTime } from '../../components/date-time';
import { Field } from '../../components/field';
import { Money } from '../../components/money';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';
import type { Order } from './customer-api';

const STATUSES = ['pending', 'paid', 'fulfilled', 'failed', 'cancelled'];

export function OrdersPage() {
  usePageTitle('Orders');
  const [status, setStatus] = useState('');
  return (
    <>
      <h1>Orders</h1>
      <p>
        <Link to="/customer/marketplace">Order from the marketplace</Link>
      </p>
      <div className="filters">
        <Field as="select" name="status" label="Status" value={status} onChange={(e) => setStatus(e.target.value)} options={[{ value: '', label: 'any' }, ...STATUSES.map((s) => ({ value: s, label: s }))]} />
      </div>
      <PagedList<Order>
        path="/v1/orders"
        query={{ status }}
        caption="Orders"
        rowKey={(o) => o.id}
        empty="No orders yet."
        columns={[
          { header: 'Order', cell: (o) => <Link to={`/customer/orders/${o.id}`}>{o.offeringName} × {o.quantity}</Link> },
          { header: 'Total', cell: (o) => <Money amount={o.total} currency={o.currency} /> },
          { header: 'Status', cell: (o) => o.status },
          { header: 'Placed', cell: (o) => <DateTime value={o.createdAt} /> },
        ]}
      />
    </>
  );
}
