// Admin: every person who signs in (GET /v1/users) and inviting one (POST /v1/users): another
// admin, a reseller's staff (resellerId) or a customer's user (customerId). The invitee gets a mail
// with a link to set a password (/console/invite).
import { useState } from 'react';
import { api } from '../../api/client';
import type { Role, User } from '../../api/types';
import { ApiForm, type FormValues } from '../../components/api-form';
import { Field } from '../../components/field';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';

function inviteBody(role: Role, values: FormValues): Record<string, string> {
  const body: Record<string, string> = { email: values.email ?? '', name: values.name ?? '', role };
  if (role === 'reseller') body.resellerId = values.resellerId?.trim() ?? '';
  if (role === 'customer') body.customerId = values.customerId?.trim() ?? '';
  return body;
}

export function AdminUsersPage() {
  usePageTitle('Users');
  const [reload, setReload] = useState(0);
  const [role, setRole] = useState<Role>('reseller');

  return (
    <>
      <h1>Users</h1>
      <section aria-labelledby="invite">
        <h2 id="invite">Invite someone</h2>
        <div className="filters">
          <label htmlFor="invite-role">Role</label>
          <select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="reseller">reseller staff</option>
            <option value="customer">customer user</option>
            <option value="admin">admin</option>
          </select>
        </div>
        <ApiForm label="Invite someone" submitLabel="Send invitation" resetOnSuccess onSubmit={(values) => api.post<User>('/v1/users', inviteBody(role, values))} onSuccess={() => setReload((n) => n + 1)}>
          <Field name="name" label="Name" autoComplete="off" required />
          <Field name="email" label="Email" type="email" autoComplete="off" required />
          {role === 'reseller' && <Field name="resellerId" label="Reseller id" autoComplete="off" required />}
          {role === 'customer' && <Field name="customerId" label="Customer id" autoComplete="off" required />}
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
            { header: 'Of', cell: (u) => (u.customerId ? `customer ${u.customerId.slice(0, 8)}` : u.resellerId ? `reseller ${u.resellerId.slice(0, 8)}` : '') },
            { header: 'Email verified', cell: (u) => (u.emailVerified ? 'yes' : 'not yet') },
          ]}
        />
      </section>
    </>
  );
}
