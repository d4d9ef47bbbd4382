// Reseller: its customers' marketplace as they see it (GET /v1/marketplace/offerings): each
// offering the reseller resells carries the badge its customers see (the customer marketplace's)
// and the marked-up price (base + commission).
import { useState } from 'react';
import { bpsAsPercent } from '../../components/field-problem';
import { Money } from '../../components/money';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';
import { ResellerBadge } from '../customer/marketplace';
import type { MarketplaceOffering } from '../customer/customer-api';

export function ResellerMarketplacePage() {
  usePageTitle('Marketplace preview');
  const [q, setQ] = useState('');

  return (
    <>
      <h1>Marketplace preview</h1>
      <p>What your customers see: the offerings of the providers you resell, at your price.</p>
      <div className="filters">
        <label htmlFor="market-q">Search offerings</label>
        <input id="market-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      </div>
      <PagedList<MarketplaceOffering>
        path="/v1/marketplace/offerings"
        query={{ q }}
        caption="Offerings"
        rowKey={(o) => o.id}
        empty="Your customers see no offerings: resell a provider first."
        columns={[
          {
            header: 'Offering',
            cell: (o) => (
              <>
                {o.name}{' '}
                <ResellerBadge offering={o} />
              </>
            ),
          },
          { header: 'Provider', cell: (o) => o.providerName },
          { header: 'Base price', cell: (o) => <Money amount={o.basePrice} currency={o.currency} /> },
          { header: 'Your commission', cell: (o) => <>{bpsAsPercent(o.commissionBps)} (<Money amount={o.commission} currency={o.currency} />)</> },
          {
            header: 'Customer price',
            cell: (o) => (
              <>
                <Money amount={o.price} currency={o.currency} /> / {o.unit}
              </>
            ),
          },
        ]}
      />
    </>
  );
}
