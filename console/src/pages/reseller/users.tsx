// Reseller: the people who sign in for it and for its customers (GET /v1/users), and inviting one
// (POST /v1/users): staff of the reseller, or a user of one of its customers. The invitee gets a
// mail with a link to set a password (/console/invite).
import { useState } from 'react';
import { api } from '../../api/client';
import type { Page, User } from '../../api/types';
import { ApiForm } from '../../components/api-form';
import { Field } from '../../components/field';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';
import { useResource } from '../../components/use-resource';
import type { Customer } from './customers';

export function ResellerUsersPage() {
  usePageTitle('Users');
  const [reload, setReload] = useState(0);
  const [role, setRole] = useState<'reseller' | 'customer'>('reseller');
  const customers = useResource<Page<Customer>>(role === 'customer' ? '/v1/customers?limit=100' : null);

  return (
    <>
      <h1>Users</h1>
      <section aria-labelledby="invite">
        <h2 id="invite">Invite someone</h2>
        <div className="filters">
          <label htmlFor="invite-role">They will sign in as</label>
          <select id="invite-role" value={role} onChange={(e) => setRole(e.target.value === 'customer' ? 'customer' : 'reseller')}>
            <option value="reseller">my staff</option>
            <option value="customer">a user of one of my customers</option>
          </select>
        </div>
        <ApiForm
          label="Invite someone"
          submitLabel="Send invitation"
          resetOnSuccess
          onSubmit={(values) => api.post<User>('/v1/users', { email: values.email, name: values.name, role, ...(role === 'customer' ? { customerId: values.customerId } : {}) })}
          onSuccess={() => setReload((n) => n + 1)}
        >
          <Field name="name" label="Name" autoComplete="off" required />
          <Field name="email" label="Email" type="email" autoComplete="off" required />
          {role === 'customer' && <Field as="select" name="customerId" label="Customer" options={(customers.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))} />}
        </ApiForm>
      </section>
      <section aria-labelledby="user-list">
        <h2 id="user-list">People</h2>
        <PagedList<User>
          path="/v1/users"
          caption="Users"
          reloadKey={reload}
          rowKey={(u) => u.id}
          empty="Nobody yet."
          columns={[
            { header: 'Name', cell: (u) => u.name },
            { header: 'Email', cell: (u) => u.email },
            { header: 'Role', cell: (u) => u.role },
            { header: 'Email verified', cell: (u) => (u.emailVerified ? 'yes' : 'not yet') },
            { header: 'Two-factor', cell: (u) => (u.totpEnabled ? 'on' : 'off') },
          ]}
        />
      </section>
    </>
  );
}
