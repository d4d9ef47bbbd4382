// Reseller: one order, and what the reseller does with a paid one: fulfil it (the provider's order
// id and the details the customer needs, a JSON object checked here before it is sent) or fail it
// (billing refunds the customer). POST /v1/orders/:id/fulfil and /fail (docs/api.md "orders").
import { Link, useParams } from 'react-router';
import { api } from '../../api/client';
import { ApiForm } from '../../components/api-form';
import { DateTime } from '../../components/date-time';
import { ErrorNotice } from '../../components/error-notice';
import { Field } from '../../components/field';
import { fieldProblem } from '../../components/field-problem';
import { Money } from '../../components/money';
import { usePageTitle } from '../../components/page-title';
import { Progress } from '../../components/progress';
import { useResource } from '../../components/use-resource';
import type { Order } from './orders';

/** The details field: a JSON object (the API also refuses arrays and scalars), or a field problem. */
function parseDetails(text: string | undefined): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '');
  } catch (err) {
    throw fieldProblem('details', `Not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw fieldProblem('details', 'Must be a JSON object, e.g. {"host": "db.example"}.');
  return parsed as Record<string, unknown>;
}

export function ResellerOrderPage() {
  usePageTitle('Order');
  const { orderId = '' } = useParams();
  const { data: order, error, reload } = useResource<Order>(`/v1/orders/${encodeURIComponent(orderId)}`);

  if (error) return <ErrorNotice error={error} />;
  if (!order) return <Progress label="Loading the order" />;

  return (
    <>
      <h1>
        Order {order.offeringName} × {order.quantity}
      </h1>
      <p>
        <Link to="/reseller/orders">All orders</Link>
      </p>
      <dl className="facts">
        <dt>Status</dt>
        <dd data-testid="order-status">{order.status}</dd>
        <dt>Customer</dt>
        <dd>
          <Link to={`/reseller/customers/${order.customerId}`}>{order.customerId}</Link>
        </dd>
        <dt>Base price</dt>
        <dd><Money amount={order.basePrice} currency={order.currency} /></dd>
        <dt>Your commission</dt>
        <dd><Money amount={order.commission} currency={order.currency} /></dd>
        <dt>Total</dt>
        <dd><Money amount={order.total} currency={order.currency} /></dd>
        <dt>Ordered</dt>
        <dd><DateTime value={order.createdAt} /></dd>
        {order.externalOrderId && (
          <>
            <dt>Provider order</dt>
            <dd>{order.externalOrderId}</dd>
          </>
        )}
        {order.reason && (
          <>
            <dt>Reason</dt>
            <dd>{order.reason}</dd>
          </>
        )}
      </dl>
      {order.status === 'pending' && <p>Waiting for the customer’s payment; it can be fulfilled once paid.</p>}
      {order.status === 'paid' && (
        <>
          <section aria-labelledby="fulfil">
            <h2 id="fulfil">Fulfil</h2>
            <ApiForm
              label="Fulfil the order"
              submitLabel="Fulfil order"
              onSubmit={(values) => api.post<Order>(`/v1/orders/${order.id}/fulfil`, { externalOrderId: values.externalOrderId, details: parseDetails(values.details) })}
              onSuccess={reload}
            >
              <Field name="externalOrderId" label="Provider order id" required />
              <Field as="textarea" name="details" label="Details (JSON)" rows={5} hint='What the customer needs, as a JSON object, e.g. {"host": "pg-1.example", "port": 5432}' required />
            </ApiForm>
          </section>
          <section aria-labelledby="fail">
            <h2 id="fail">Fail</h2>
            <ApiForm label="Fail the order" submitLabel="Fail order" onSubmit={(values) => api.post<Order>(`/v1/orders/${order.id}/fail`, { reason: values.reason })} onSuccess={reload}>
              <Field name="reason" label="Reason" hint="The customer sees it; billing refunds the order." required />
            </ApiForm>
          </section>
        </>
      )}
      {order.details && (
        <section aria-labelledby="details">
          <h2 id="details">Details sent to the customer</h2>
          <pre>{JSON.stringify(order.details, null, 2)}</pre>
        </section>
      )}
    </>
  );
}
