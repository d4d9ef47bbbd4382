// Reseller: one of its customers — activate or deactivate it (PATCH /v1/customers/:id) and its
// API keys: list, create (the key is shown this once) and revoke (docs/api.md "API keys").
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../../api/client';
import { ApiForm } from '../../components/api-form';
import { ErrorNotice } from '../../components/error-notice';
import { Field } from '../../components/field';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';
import { Progress } from '../../components/progress';
import { ActionButton } from '../../components/action-button';
import { useResource } from '../../components/use-resource';
import type { Customer } from './customers';

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  last4: string;
  scopes: string[];
  status: 'active' | 'revoked' | 'expired';
  lastUsedAt: string | null;
  expiresAt: string | null;
  createdAt: string;
}

export function ResellerCustomerPage() {
  usePageTitle('Customer');
  const { customerId = '' } = useParams();
  const [reload, setReload] = useState(0);
  const [newKey, setNewKey] = useState<string | undefined>(undefined);
  const { data: customer, error, reload: reloadOne } = useResource<Customer>(`/v1/customers/${encodeURIComponent(customerId)}`);
  const again = () => {
    setReload((n) => n + 1);
    reloadOne();
  };

  if (error) return <ErrorNotice error={error} />;
  if (!customer) return <Progress label="Loading the customer" />;

  return (
    <>
      <h1>{customer.name}</h1>
      <p>
        <Link to="/reseller/customers">All customers</Link>
      </p>
      <dl className="facts">
        <dt>Email</dt>
        <dd>{customer.email}</dd>
        <dt>Currency</dt>
        <dd>{customer.currency}</dd>
        <dt>Status</dt>
        <dd>{customer.active ? 'active' : 'deactivated'}</dd>
      </dl>
      <ActionButton
        label={customer.active ? 'Deactivate customer' : 'Reactivate customer'}
        action={() => api.patch(`/v1/customers/${customer.id}`, { active: !customer.active })}
        onDone={again}
      />
      <section aria-labelledby="new-key">
        <h2 id="new-key">New API key</h2>
        <ApiForm
          label="New API key"
          submitLabel="Create key"
          resetOnSuccess
          onSubmit={(values) => api.post<ApiKey & { key: string }>('/v1/api-keys', { name: values.name, ownerType: 'customer', ownerId: customer.id })}
          onSuccess={(created) => {
            setNewKey(created.key);
            again();
          }}
        >
          <Field name="name" label="Key name" required />
        </ApiForm>
        {newKey && (
          <div role="status" className="secret">
            <p>Copy the key now: it is not shown again.</p>
            <code>{newKey}</code>
          </div>
        )}
      </section>
      <section aria-labelledby="keys">
        <h2 id="keys">API keys</h2>
        <PagedList<ApiKey>
          path="/v1/api-keys"
          query={{ ownerType: 'customer', ownerId: customer.id }}
          caption="API keys"
          reloadKey={reload}
          rowKey={(k) => k.id}
          empty="No API keys."
          columns={[
            { header: 'Name', cell: (k) => k.name },
            { header: 'Key', cell: (k) => <code>{`${k.prefix}_…${k.last4}`}</code> },
            { header: 'Status', cell: (k) => k.status },
            { header: 'Last used', cell: (k) => (k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : 'never') },
            {
              header: 'Actions',
              cell: (k) => (k.status === 'active' ? <ActionButton className="secondary" label="Revoke" ariaLabel={`Revoke key ${k.name}`} action={() => api.post(`/v1/api-keys/${k.id}/revoke`)} onDone={again} /> : null),
            },
          ]}
        />
      </section>
    </>
  );
}
