// Every signed-in user: who they are, changing the password (POST /v1/auth/password, which ends
// the user's other sessions), and the optional second factor.
import { useState } from 'react';
import { api } from '../../api/client';
import { ApiForm } from '../../components/api-form';
import { Field } from '../../components/field';
import { usePageTitle } from '../../components/page-title';
import { useUser } from '../../session';
import { TwoFactorSection } from './two-factor';

export function AccountPage() {
  usePageTitle('Account');
  const user = useUser();
  const [passwordChanged, setPasswordChanged] = useState(false);

  return (
    <>
      <h1>Account</h1>
      <dl className="facts">
        <dt>Name</dt>
        <dd>{user.name}</dd>
        <dt>Email</dt>
        <dd>{user.email}</dd>
        <dt>Role</dt>
        <dd>{user.role}</dd>
      </dl>
      <section aria-labelledby="change-password">
        <h2 id="change-password">Change password</h2>
        <ApiForm
          label="Change password"
          submitLabel="Change password"
          resetOnSuccess
          onSubmit={(values) => api.post<void>('/v1/auth/password', { currentPassword: values.currentPassword, password: values.password })}
          onSuccess={() => setPasswordChanged(true)}
        >
          <Field name="currentPassword" label="Current password" type="password" autoComplete="current-password" required />
          <Field name="password" label="New password" type="password" autoComplete="new-password" hint="At least 12 characters; avoid common words and patterns." required />
        </ApiForm>
        {passwordChanged && <p role="status">Password changed. Your other sessions were signed out.</p>}
      </section>
      <TwoFactorSection />
    </>
  );
}
