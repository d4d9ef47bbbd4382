// Customer: the marketplace (GET /v1/marketplace/offerings) priced as it pays — a reseller's
// customer sees its reseller's badge (name and tier) and the marked-up price — and ordering
// (POST /v1/orders with an Idempotency-Key), which then follows the order on its own page.
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../../api/client';
import { ApiForm } from '../../components/api-form';
import { Field } from '../../components/field';
import { Money } from '../../components/money';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';
import type { MarketplaceOffering, Order } from './customer-api';

/**
 * Who sells an offering: the reseller whose relationship marks it up, named with its tier (the price
 * already includes its commission, even a 0 % one), or "Direct" for a direct customer.
 */
export function ResellerBadge({ offering }: { offering: Pick<MarketplaceOffering, 'reseller'> }) {
  const { reseller } = offering;
  if (!reseller) return <span className="badge">Direct</span>;
  return (
    <span className="badge">
      Offered by {reseller.name}{' '}
      <span className="tier" title={`${reseller.name} is a ${reseller.tier} reseller`}>
        {reseller.tier}
      </span>
    </span>
  );
}

export function MarketplacePage() {
  usePageTitle('Marketplace');
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [choice, setChoice] = useState<MarketplaceOffering | null>(null);

  return (
    <>
      <h1>Marketplace</h1>
      <div className="filters">
        <label htmlFor="market-q">Search</label>{' '}
        <input id="market-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      </div>
      <PagedList<MarketplaceOffering>
        path="/v1/marketplace/offerings"
        query={{ q }}
        caption="Offerings"
        rowKey={(o) => o.id}
        empty="Nothing is offered to you yet."
        columns={[
          { header: 'Offering', cell: (o) => (<><strong>{o.name}</strong>{o.description ? <><br />{o.description}</> : null}</>) },
          { header: 'Provider', cell: (o) => o.providerName },
          { header: 'Sold by', cell: (o) => <ResellerBadge offering={o} /> },
          { header: 'Price', cell: (o) => (<><Money amount={o.price} currency={o.currency} /> per {o.unit}</>) },
          { header: 'Order', cell: (o) => <button type="button" onClick={() => setChoice(o)} aria-label={`Order ${o.name}`}>Order</button> },
        ]}
      />
      {choice && (
        <section aria-labelledby="order-form">
          <h2 id="order-form">Order {choice.name}</h2>
          <p>
            <Money amount={choice.price} currency={choice.currency} /> per {choice.unit}
            {choice.reseller ? ` (${choice.reseller.name}’s price)` : ''}. Paid from your wallet.
          </p>
          <ApiForm
            label={`Order ${choice.name}`}
            submitLabel="Place order"
            onSubmit={(values, idempotencyKey) =>
              api.post<Order>('/v1/orders', { offeringId: choice.id, quantity: Number(values.quantity) }, { idempotencyKey })
            }
            onSuccess={(order) => void navigate(`/customer/orders/${order.id}`)}
          >
            <Field name="quantity" label="Quantity" type="number" min={1} max={10000} defaultValue="1" required />
          </ApiForm>
        </section>
      )}
    </>
  );
}
