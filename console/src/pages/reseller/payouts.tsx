// Reseller: withdrawing its earnings — payout methods (bank transfer or PayPal; the API answers
// them masked only), a payout request (amount and method; Idempotency-Key from ApiForm) and the
// payouts' history with their status (docs/api.md "Billing: payouts").
import { useState } from 'react';
import { api } from '../../api/client';
import type { Page } from '../../api/types';
import { ApiForm, type FormValues } from '../../components/api-form';
import { Field } from '../../components/field';
import { DateTime } from '../../components/date-time';
import { Money } from '../../components/money';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';
import { useResource } from '../../components/use-resource';
import type { Earnings } from './commissions';

interface PayoutMethod {
  id: string;
  kind: 'bank_transfer' | 'paypal';
  label: string | null;
  masked: string;
  createdAt: string;
}

interface Payout {
  id: string;
  methodId: string;
  amount: string;
  currency: string;
  status: 'requested' | 'processing' | 'completed' | 'failed';
  reference: string | null;
  failureReason: string | null;
  createdAt: string;
}

/** Only the fields of the chosen kind, and no empty optional ones (the API is strict about both). */
function methodBody(values: FormValues): Record<string, string> {
  const optional = (key: string) => (values[key]?.trim() ? { [key]: values[key]!.trim() } : {});
  if (values.kind === 'paypal') return { kind: 'paypal', email: values.email ?? '', ...optional('label') };
  return { kind: 'bank_transfer', accountHolder: values.accountHolder ?? '', iban: values.iban ?? '', ...optional('bic'), ...optional('label') };
}

export function ResellerPayoutsPage() {
  usePageTitle('Payouts');
  const [reload, setReload] = useState(0);
  const [kind, setKind] = useState<'bank_transfer' | 'paypal'>('bank_transfer');
  const methods = useResource<Page<PayoutMethod>>('/v1/payout-methods?limit=100');
  const earnings = useResource<Earnings>('/v1/resellers/me/earnings');
  const again = () => {
    setReload((n) => n + 1);
    methods.reload();
    earnings.reload();
  };
  const methodOptions = (methods.data?.items ?? []).map((m) => ({ value: m.id, label: `${m.label ?? m.kind} (${m.masked})` }));

  return (
    <>
      <h1>Payouts</h1>
      <section aria-labelledby="request-payout">
        <h2 id="request-payout">Request a payout</h2>
        {earnings.data && (
          <p>
            Available now: <Money amount={earnings.data.wallet.available} currency={earnings.data.currency} />
          </p>
        )}
        {methodOptions.length === 0 ? (
          <p>Add a payout method first.</p>
        ) : (
          <ApiForm
            label="Request a payout"
            submitLabel="Request payout"
            progressLabel="Sending your payout request"
            resetOnSuccess
            onSubmit={(values, idempotencyKey) => api.post<Payout>('/v1/payouts', { amount: values.amount, methodId: values.methodId }, { idempotencyKey })}
            onSuccess={again}
          >
            <Field name="amount" label={`Amount${earnings.data ? ` (${earnings.data.currency})` : ''}`} inputMode="decimal" hint="A decimal amount, e.g. 120.00" required />
            <Field as="select" name="methodId" label="Pay to" options={methodOptions} />
          </ApiForm>
        )}
      </section>
      <section aria-labelledby="payout-history">
        <h2 id="payout-history">History</h2>
        <PagedList<Payout>
          path="/v1/payouts"
          caption="Payouts"
          reloadKey={reload}
          rowKey={(p) => p.id}
          empty="No payouts yet."
          columns={[
            { header: 'Requested', cell: (p) => <DateTime value={p.createdAt} /> },
            { header: 'Amount', cell: (p) => <Money amount={p.amount} currency={p.currency} /> },
            { header: 'Status', cell: (p) => p.status },
            { header: 'Reference', cell: (p) => p.reference ?? p.failureReason ?? '' },
          ]}
        />
      </section>
      <section aria-labelledby="payout-methods">
        <h2 id="payout-methods">Payout methods</h2>
        <div className="filters">
          <label htmlFor="method-kind">Kind of method to add</label>
          <select id="method-kind" value={kind} onChange={(e) => setKind(e.target.value === 'paypal' ? 'paypal' : 'bank_transfer')}>
            <option value="bank_transfer">Bank transfer</option>
            <option value="paypal">PayPal</option>
          </select>
        </div>
        <ApiForm label="Add a payout method" submitLabel="Add method" resetOnSuccess onSubmit={(values) => api.post<PayoutMethod>('/v1/payout-methods', methodBody({ ...values, kind }))} onSuccess={again}>
          {kind === 'bank_transfer' ? (
            <>
              <Field name="accountHolder" label="Account holder" required />
              <Field name="iban" label="IBAN" autoComplete="off" required />
              <Field name="bic" label="BIC (optional)" autoComplete="off" />
            </>
          ) : (
            <Field name="email" label="PayPal email" type="email" required />
          )}
          <Field name="label" label="Label (optional)" />
        </ApiForm>
        <PagedList<PayoutMethod>
          path="/v1/payout-methods"
          caption="Payout methods"
          reloadKey={reload}
          rowKey={(m) => m.id}
          empty="No payout methods yet."
          columns={[
            { header: 'Label', cell: (m) => m.label ?? '' },
            { header: 'Kind', cell: (m) => (m.kind === 'paypal' ? 'PayPal' : 'Bank transfer') },
            { header: 'Details', cell: (m) => m.masked },
          ]}
        />
      </section>
    </>
  );
}
