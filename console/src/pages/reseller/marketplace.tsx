// Reseller: its customers' marketplace as they see it (GET /v1/marketplace/offerings): each
// offering the reseller resells carries its badge and the marked-up price (base + commission).
import { useState } from 'react';
import { bpsAsPercent } from '../../components/field-problem';
import { Money } from '../../components/money';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';
import { useLoaded } from '../../components/use-loaded';

export interface MarketplaceOffering {
  id: string;
  providerId: string;
  providerName: string;
  name: string;
  description: string | null;
  unit: string;
  currency: string;
  basePrice: string;
  commissionBps: number;
  commission: string;
  price: string;
}

export function ResellerMarketplacePage() {
  usePageTitle('Marketplace preview');
  // the badge the reseller's customers see on these offerings (all of them are the reseller's)
  const me = useLoaded<{ reseller?: { name: string } }>('/v1/me');
  const resellerName = me.value?.reseller?.name ?? 'you';
  const [q, setQ] = useState('');

  return (
    <>
      <h1>Marketplace preview</h1>
      <p>What your customers see: the offerings of the providers you resell, at your price.</p>
      <div className="field filter">
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
                <span className="badge">Resold by {resellerName}</span>
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
