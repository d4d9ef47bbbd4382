// Admin: credit accounts — every wallet (GET /v1/wallets: customers' prepaid wallets and
// resellers' earnings wallets) with its balance, credit limit and status; each opens its page.
import { useState } from 'react';
import { Link } from 'react-router';
import { Money } from '../../components/money';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';

export interface Wallet {
  id: string;
  ownerType: 'customer' | 'reseller';
  ownerId: string;
  resellerId: string | null;
  currency: string;
  balance: string;
  reserved: string;
  available: string;
  creditLimit: string;
  creditStatus: string;
}

export function AdminCreditAccountsPage() {
  usePageTitle('Credit accounts');
  const [ownerType, setOwnerType] = useState('customer');

  return (
    <>
      <h1>Credit accounts</h1>
      <div className="filters">
        <label htmlFor="wallet-owner">Wallets of</label>
        <select id="wallet-owner" value={ownerType} onChange={(e) => setOwnerType(e.target.value)}>
          <option value="customer">customers</option>
          <option value="reseller">resellers (earnings)</option>
          <option value="">everyone</option>
        </select>
      </div>
      <PagedList<Wallet>
        path="/v1/wallets"
        query={{ ownerType }}
        caption="Wallets"
        rowKey={(w) => w.id}
        empty="No wallets."
        columns={[
          { header: 'Owner', cell: (w) => <Link to={`/admin/credit-accounts/${w.id}`}>{`${w.ownerType} ${w.ownerId.slice(0, 8)}`}</Link> },
          { header: 'Balance', cell: (w) => <Money amount={w.balance} currency={w.currency} /> },
          { header: 'Available', cell: (w) => <Money amount={w.available} currency={w.currency} /> },
          { header: 'Credit limit', cell: (w) => <Money amount={w.creditLimit} currency={w.currency} /> },
          { header: 'Status', cell: (w) => w.creditStatus },
        ]}
      />
    </>
  );
}
