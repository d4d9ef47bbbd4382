// Reseller: its commission invoices and its customers' usage statements (GET /v1/invoices), each
// with its PDF; invoicing the approved commissions (POST /v1/invoices, a draft) and issuing a draft.
import { useState } from 'react';
import { api } from '../../api/client';
import { ApiForm } from '../../components/api-form';
import { Money } from '../../components/money';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';
import { ActionButton } from '../../components/action-button';

interface Invoice {
  id: string;
  kind: 'usage' | 'commission';
  number: string | null;
  status: 'draft' | 'issued' | 'paid' | 'void';
  customerId: string | null;
  customerName: string | null;
  currency: string;
  periodStart: string;
  periodEnd: string;
  total: string;
  dueDate: string | null;
  pdf: string;
}

export function ResellerInvoicesPage() {
  usePageTitle('Invoices');
  const [kind, setKind] = useState('commission');
  const [reload, setReload] = useState(0);
  const again = () => setReload((n) => n + 1);

  return (
    <>
      <h1>Invoices</h1>
      <section aria-labelledby="invoice-commissions">
        <h2 id="invoice-commissions">Invoice your commissions</h2>
        <p>Puts every approved or paid commission not yet invoiced on a draft invoice; issue it to number it.</p>
        <ApiForm label="Invoice your commissions" submitLabel="Create draft invoice" onSubmit={() => api.post<Invoice>('/v1/invoices', { kind: 'commission' })} onSuccess={again} />
      </section>
      <section aria-labelledby="invoice-list">
        <h2 id="invoice-list">Invoices</h2>
        <div className="filters">
          <label htmlFor="invoice-kind">Kind</label>
          <select id="invoice-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="commission">My commission invoices</option>
            <option value="usage">My customers’ usage statements</option>
          </select>
        </div>
        <PagedList<Invoice>
          path="/v1/invoices"
          query={{ kind }}
          caption="Invoices"
          reloadKey={reload}
          rowKey={(i) => i.id}
          empty="No invoices."
          columns={[
            { header: 'Number', cell: (i) => i.number ?? 'draft' },
            { header: 'Period', cell: (i) => `${i.periodStart} – ${i.periodEnd}` },
            ...(kind === 'usage' ? [{ header: 'Customer', cell: (i: Invoice) => i.customerName ?? i.customerId ?? '' }] : []),
            { header: 'Total', cell: (i) => <Money amount={i.total} currency={i.currency} /> },
            { header: 'Status', cell: (i) => i.status },
            { header: 'Due', cell: (i) => i.dueDate ?? '' },
            {
              header: 'PDF',
              cell: (i) => (
                <a href={i.pdf} download aria-label={`Download ${i.number ?? 'draft'} as PDF`}>
                  PDF
                </a>
              ),
            },
            {
              header: 'Actions',
              cell: (i) =>
                i.kind === 'commission' && i.status === 'draft' ? <ActionButton className="secondary" label="Issue" ariaLabel="Issue the draft invoice" action={() => api.post(`/v1/invoices/${i.id}/issue`)} onDone={again} /> : null,
            },
          ]}
        />
      </section>
    </>
  );
}
