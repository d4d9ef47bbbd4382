// Admin: the resellers (GET /v1/resellers) — create one (POST), suspend or reactivate it (PATCH
// `active`), with its commission rate and tier.
import { useState } from 'react';
import { api } from '../../api/client';
import { ApiForm } from '../../components/api-form';
import { Field } from '../../components/field';
import { bpsAsPercent, percentToBps } from '../../components/field-problem';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';
import { ActionButton } from '../../components/action-button';

interface Reseller {
  id: string;
  name: string;
  email: string;
  commissionRateBps: number;
  active: boolean;
  tier: string;
  currency: string;
  createdAt: string;
}

export function AdminResellersPage() {
  usePageTitle('Resellers');
  const [reload, setReload] = useState(0);
  const [q, setQ] = useState('');
  const again = () => setReload((n) => n + 1);

  return (
    <>
      <h1>Resellers</h1>
      <section aria-labelledby="new-reseller">
        <h2 id="new-reseller">New reseller</h2>
        <ApiForm
          label="New reseller"
          submitLabel="Create reseller"
          resetOnSuccess
          onSubmit={(values) =>
            api.post<Reseller>('/v1/resellers', {
              name: values.name,
              email: values.email,
              commissionRateBps: percentToBps(values.commissionPercent, 'commissionRateBps'),
              ...(values.currency?.trim() ? { currency: values.currency.trim().toUpperCase() } : {}),
            })
          }
          onSuccess={again}
        >
          <Field name="name" label="Name" required />
          <Field name="email" label="Email" type="email" required />
          <Field name="commissionPercent" label="Commission on job sales (%)" errorField="commissionRateBps" inputMode="decimal" hint="0 to 50 %" required />
          <Field name="currency" label="Currency (optional)" hint="ISO 4217, default EUR" maxLength={3} />
        </ApiForm>
      </section>
      <section aria-labelledby="reseller-list">
        <h2 id="reseller-list">All resellers</h2>
        <div className="filters">
          <label htmlFor="reseller-q">Search by name or email</label>
          <input id="reseller-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </div>
        <PagedList<Reseller>
          path="/v1/resellers"
          query={{ q }}
          caption="Resellers"
          reloadKey={reload}
          rowKey={(r) => r.id}
          empty="No resellers."
          columns={[
            { header: 'Name', cell: (r) => r.name },
            { header: 'Email', cell: (r) => r.email },
            { header: 'Commission', cell: (r) => bpsAsPercent(r.commissionRateBps) },
            { header: 'Tier', cell: (r) => r.tier },
            { header: 'Currency', cell: (r) => r.currency },
            { header: 'Status', cell: (r) => (r.active ? 'active' : 'suspended') },
            {
              header: 'Actions',
              cell: (r) => (
                <ActionButton className="secondary" label={r.active ? 'Suspend' : 'Reactivate'} ariaLabel={`${r.active ? 'Suspend' : 'Reactivate'} ${r.name}`} action={() => api.patch(`/v1/resellers/${r.id}`, { active: !r.active })} onDone={again} />
              ),
            },
          ]}
        />
      </section>
    </>
  );
}
