// Admin: one provider and its offerings (GET/POST /v1/providers/:id/offerings): what resellers
// resell at the base price plus their commission.
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../../api/client';
import { ApiForm } from '../../components/api-form';
import { ErrorNotice } from '../../components/error-notice';
import { Field } from '../../components/field';
import { Money } from '../../components/money';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';
import { Progress } from '../../components/progress';
import { ActionButton } from '../../components/action-button';
import { useResource } from '../../components/use-resource';
import type { Provider } from './providers';

interface Offering {
  id: string;
  name: string;
  description: string | null;
  basePrice: string;
  currency: string;
  unit: string;
  active: boolean;
}

export function AdminProviderPage() {
  usePageTitle('Provider');
  const { providerId = '' } = useParams();
  const [reload, setReload] = useState(0);
  const again = () => setReload((n) => n + 1);
  const { data: provider, error } = useResource<Provider>(`/v1/providers/${encodeURIComponent(providerId)}`);

  if (error) return <ErrorNotice error={error} />;
  if (!provider) return <Progress label="Loading the provider" />;

  return (
    <>
      <h1>{provider.name}</h1>
      <p>
        <Link to="/admin/providers">All providers</Link>
      </p>
      <section aria-labelledby="new-offering">
        <h2 id="new-offering">New offering</h2>
        <ApiForm
          label="New offering"
          submitLabel="Create offering"
          resetOnSuccess
          onSubmit={(values) =>
            api.post<Offering>(`/v1/providers/${provider.id}/offerings`, {
              name: values.name,
              ...(values.description?.trim() ? { description: values.description.trim() } : {}),
              basePrice: values.basePrice,
              currency: (values.currency ?? '').toUpperCase(),
              unit: values.unit,
            })
          }
          onSuccess={again}
        >
          <Field name="name" label="Name" required />
          <Field name="description" label="Description (optional)" />
          <Field name="basePrice" label="Base price" inputMode="decimal" hint="The provider’s price of one unit, e.g. 100.00" required />
          <Field name="currency" label="Currency" defaultValue="EUR" maxLength={3} required />
          <Field name="unit" label="Unit" defaultValue="month" hint="month, GB, hour, unit…" required />
        </ApiForm>
      </section>
      <section aria-labelledby="offerings">
        <h2 id="offerings">Offerings</h2>
        <PagedList<Offering>
          path={`/v1/providers/${provider.id}/offerings`}
          caption="Offerings"
          reloadKey={reload}
          rowKey={(o) => o.id}
          empty="No offerings yet."
          columns={[
            { header: 'Name', cell: (o) => o.name },
            { header: 'Base price', cell: (o) => <>
              <Money amount={o.basePrice} currency={o.currency} /> / {o.unit}
            </> },
            { header: 'Status', cell: (o) => (o.active ? 'active' : 'inactive') },
            {
              header: 'Actions',
              cell: (o) => (
                <ActionButton className="secondary" label={o.active ? 'Deactivate' : 'Activate'} ariaLabel={`${o.active ? 'Deactivate' : 'Activate'} ${o.name}`} action={() => api.patch(`/v1/offerings/${o.id}`, { active: !o.active })} onDone={again} />
              ),
            },
          ]}
        />
      </section>
    </>
  );
}
