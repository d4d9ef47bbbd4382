// Customer: one order, followed until it is fulfilled, failed or cancelled (payment and the
// reseller's fulfilment take a while): status, total, and once fulfilled what the provider sent.
import { Link, useParams } from 'react-router';
import { api } from '../../api/client';
import { ActionButton } from '../../components/action-button';
import { DateTime } from '../../components/date-time';
import { ErrorNotice } from '../../components/error-notice';
import { Money } from '../../components/money';
import { usePageTitle } from '../../components/page-title';
import { Progress, usePoll } from '../../components/progress';
import { FINAL_ORDER_STATUSES, type Order } from './customer-api';

const WAITING: Record<string, string> = {
  pending: 'Waiting for the payment from your wallet',
  paid: 'Paid; waiting for the provider to deliver',
};

export function OrderPage() {
  usePageTitle('Order');
  const { orderId = '' } = useParams();
  const order = usePoll(() => api.get<Order>(`/v1/orders/${encodeURIComponent(orderId)}`), (o) => FINAL_ORDER_STATUSES.includes(o.status), 2000, [orderId]);

  if (order.error && !order.value) return <ErrorNotice error={order.error} />;
  const o = order.value;
  if (!o) return <Progress label="Loading the order" />;

  return (
    <>
      <h1>
        Order: {o.offeringName} × {o.quantity}
      </h1>
      <p>
        <Link to="/customer/orders">All orders</Link>
      </p>
      <dl className="facts">
        <dt>Status</dt>
        <dd data-testid="order-status">{o.status}</dd>
        <dt>Total</dt>
        <dd data-testid="order-total">
          <Money amount={o.total} currency={o.currency} />
        </dd>
        <dt>Sold by</dt>
        <dd>{o.resellerId ? <span className="badge">Your reseller</span> : <span className="badge">Direct</span>}</dd>
        {o.reason && (
          <>
            <dt>Reason</dt>
            <dd>{o.reason}</dd>
          </>
        )}
        {o.externalOrderId && (
          <>
            <dt>Provider reference</dt>
            <dd>{o.externalOrderId}</dd>
          </>
        )}
        <TimeFact label="Placed" at={o.createdAt} />
        {o.paidAt && <TimeFact label="Paid" at={o.paidAt} />}
        {o.status === 'fulfilled' && <TimeFact label="Fulfilled" at={o.fulfilledAt} />}
        {o.status === 'failed' && <TimeFact label="Failed" at={o.failedAt} />}
        {o.status === 'cancelled' && <TimeFact label="Cancelled" at={o.cancelledAt} />}
      </dl>
      {o.paidAt && (o.status === 'failed' || o.status === 'cancelled') && (
        <p data-testid="order-refund">
          What you paid goes back to your wallet as a refund: see <Link to="/customer/wallet">Wallet</Link>.
        </p>
      )}
      {o.details && (
        <section aria-labelledby="order-details">
          <h2 id="order-details">Delivery details</h2>
          <pre>{JSON.stringify(o.details, null, 2)}</pre>
        </section>
      )}
      {order.polling && WAITING[o.status] && <Progress label={WAITING[o.status] ?? ''} />}
      {o.status === 'pending' && <ActionButton label="Cancel order" confirm="Cancel this order?" className="secondary" action={() => api.post(`/v1/orders/${o.id}/cancel`, {})} />}
    </>
  );
}

/** One dated step of the order in its facts list. */
function TimeFact({ label, at }: { label: string; at: string | null }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>
        <DateTime value={at} />
      </dd>
    </>
  );
}
