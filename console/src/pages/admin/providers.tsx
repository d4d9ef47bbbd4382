// Admin: the catalog's providers (GET/POST /v1/providers); each opens its page with its offerings.
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { ApiForm } from '../../components/api-form';
import { Field } from '../../components/field';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';
import { ActionButton } from '../../components/action-button';

export interface Provider {
  id: string;
  name: string;
  description: string | null;
  active: boolean;
  createdAt: string;
}

export function AdminProvidersPage() {
  usePageTitle('Providers');
  const [reload, setReload] = useState(0);
  const again = () => setReload((n) => n + 1);

  return (
    <>
      <h1>Providers</h1>
      <section aria-labelledby="new-provider">
        <h2 id="new-provider">New provider</h2>
        <ApiForm
          label="New provider"
          submitLabel="Create provider"
          resetOnSuccess
          onSubmit={(values) => api.post<Provider>('/v1/providers', { name: values.name, ...(values.description?.trim() ? { description: values.description.trim() } : {}) })}
          onSuccess={again}
        >
          <Field name="name" label="Name" required />
          <Field name="description" label="Description (optional)" />
        </ApiForm>
      </section>
      <section aria-labelledby="provider-list">
        <h2 id="provider-list">Catalog</h2>
        <PagedList<Provider>
          path="/v1/providers"
          caption="Providers"
          reloadKey={reload}
          rowKey={(p) => p.id}
          empty="No providers yet."
          columns={[
            { header: 'Name', cell: (p) => <Link to={`/admin/providers/${p.id}`}>{p.name}</Link> },
            { header: 'Description', cell: (p) => p.description ?? '' },
            { header: 'Status', cell: (p) => (p.active ? 'active' : 'inactive') },
            {
              header: 'Actions',
              cell: (p) => (
                <ActionButton className="secondary" label={p.active ? 'Deactivate' : 'Activate'} ariaLabel={`${p.active ? 'Deactivate' : 'Activate'} ${p.name}`} action={() => api.patch(`/v1/providers/${p.id}`, { active: !p.active })} onDone={again} />
              ),
            },
          ]}
        />
      </section>
    </>
  );
}
