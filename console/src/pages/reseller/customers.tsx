// Reseller: its customers (GET /v1/customers) and a form to add one (POST /v1/customers; the
// reseller comes from the session). Each opens its page with its API keys.
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { ApiForm } from '../../components/api-form';
import { Field } from '../../components/field';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';

export interface Customer {
  id: string;
  resellerId: string | null;
  name: string;
  email: string;
  active: boolean;
  currency: string;
  createdAt: string;
}

export function ResellerCustomersPage() {
  usePageTitle('Customers');
  const [reload, setReload] = useState(0);
  const [q, setQ] = useState('');

  return (
    <>
      <h1>Customers</h1>
      <section aria-labelledby="new-customer">
        <h2 id="new-customer">New customer</h2>
        <ApiForm
          label="New customer"
          submitLabel="Create customer"
          resetOnSuccess
          onSubmit={(values) => api.post<Customer>('/v1/customers', { name: values.name, email: values.email })}
          onSuccess={() => setReload((n) => n + 1)}
        >
          <Field name="name" label="Name" required />
          <Field name="email" label="Email" type="email" required />
        </ApiForm>
      </section>
      <section aria-labelledby="customer-list">
        <h2 id="customer-list">Your customers</h2>
        <div className="filters">
          <label htmlFor="customer-q">Search by name or email</label>
          <input id="customer-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </div>
        <PagedList<Customer>
          path="/v1/customers"
          query={{ q }}
          caption="Customers"
          reloadKey={reload}
          rowKey={(c) => c.id}
          empty="No customers yet."
          columns={[
            { header: 'Name', cell: (c) => <Link to={`/reseller/customers/${c.id}`}>{c.name}</Link> },
            { header: 'Email', cell: (c) => c.email },
            { header: 'Currency', cell: (c) => c.currency },
            { header: 'Status', cell: (c) => (c.active ? 'active' : 'deactivated') },
            { header: 'Since', cell: (c) => new Date(c.createdAt).toLocaleDateString() },
          ]}
        />
      </section>
    </>
  );
}
