// Admin: one wallet — crediting it (POST /v1/wallets/:id/credits, a top-up or an adjustment, with
// the Idempotency-Key ApiForm keeps per submission), its credit settings (PATCH) and its ledger.
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../../api/client';
import { ApiForm } from '../../components/api-form';
import { DateTime } from '../../components/date-time';
import { ErrorNotice } from '../../components/error-notice';
import { Field } from '../../components/field';
import { Money } from '../../components/money';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';
import { Progress } from '../../components/progress';
import { useResource } from '../../components/use-resource';
import type { Wallet } from './credit-accounts';

interface LedgerEntry {
  id: string;
  type: string;
  amount: string;
  balanceAfter: string;
  reason: string | null;
  createdAt: string;
}

export function AdminCreditAccountPage() {
  usePageTitle('Wallet');
  const { walletId = '' } = useParams();
  const [reload, setReload] = useState(0);
  const { data: wallet, error, reload: reloadOne } = useResource<Wallet>(`/v1/wallets/${encodeURIComponent(walletId)}`);
  const again = () => {
    setReload((n) => n + 1);
    reloadOne();
  };

  if (error) return <ErrorNotice error={error} />;
  if (!wallet) return <Progress label="Loading the wallet" />;

  return (
    <>
      <h1>
        Wallet of {wallet.ownerType} {wallet.ownerId.slice(0, 8)}
      </h1>
      <p>
        <Link to="/admin/credit-accounts">All credit accounts</Link>
      </p>
      <dl className="facts">
        <dt>Balance</dt>
        <dd><Money amount={wallet.balance} currency={wallet.currency} /></dd>
        <dt>Reserved</dt>
        <dd><Money amount={wallet.reserved} currency={wallet.currency} /></dd>
        <dt>Available</dt>
        <dd><Money amount={wallet.available} currency={wallet.currency} /></dd>
        <dt>Credit limit</dt>
        <dd><Money amount={wallet.creditLimit} currency={wallet.currency} /></dd>
        <dt>Status</dt>
        <dd>{wallet.creditStatus}</dd>
      </dl>
      <section aria-labelledby="credit">
        <h2 id="credit">Credit the wallet</h2>
        <ApiForm
          label="Credit the wallet"
          submitLabel="Credit"
          resetOnSuccess
          onSubmit={(values, idempotencyKey) =>
            api.post(`/v1/wallets/${wallet.id}/credits`, { amount: values.amount, currency: wallet.currency, kind: values.kind, reason: values.reason }, { idempotencyKey })
          }
          onSuccess={again}
        >
          <Field name="amount" label={`Amount (${wallet.currency})`} inputMode="decimal" hint="e.g. 50.00" required />
          <Field
            as="select"
            name="kind"
            label="Kind"
            options={[
              { value: 'topup', label: 'top-up (money received)' },
              { value: 'adjustment', label: 'adjustment' },
            ]}
          />
          <Field name="reason" label="Reason" hint="Kept on the ledger entry, e.g. the bank transfer’s reference." required />
        </ApiForm>
      </section>
      <section aria-labelledby="credit-settings">
        <h2 id="credit-settings">Credit settings</h2>
        <ApiForm
          label="Credit settings"
          submitLabel="Save settings"
          onSubmit={(values) => api.patch(`/v1/wallets/${wallet.id}`, { creditLimit: values.creditLimit, creditStatus: values.creditStatus, reason: values.reason })}
          onSuccess={again}
        >
          <Field name="creditLimit" label={`Credit limit (${wallet.currency})`} inputMode="decimal" defaultValue={wallet.creditLimit} required />
          <Field
            as="select"
            name="creditStatus"
            label="Status"
            defaultValue={wallet.creditStatus}
            options={['active', 'suspended', 'defaulted', 'closed'].map((s) => ({ value: s, label: s }))}
          />
          <Field name="reason" label="Reason for the change" required />
        </ApiForm>
      </section>
      <section aria-labelledby="ledger">
        <h2 id="ledger">Ledger</h2>
        <PagedList<LedgerEntry>
          path={`/v1/wallets/${wallet.id}/transactions`}
          caption="Ledger entries"
          reloadKey={reload}
          rowKey={(t) => t.id}
          empty="No entries yet."
          columns={[
            { header: 'When', cell: (t) => <DateTime value={t.createdAt} /> },
            { header: 'Type', cell: (t) => t.type },
            { header: 'Amount', cell: (t) => <Money amount={t.amount} currency={wallet.currency} /> },
            { header: 'Balance after', cell: (t) => <Money amount={t.balanceAfter} currency={wallet.currency} /> },
            { header: 'Reason', cell: (t) => t.reason ?? '' },
          ]}
        />
      </section>
    </>
  );
}
