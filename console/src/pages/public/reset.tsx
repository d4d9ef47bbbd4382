// Password reset: /reset asks for the email (202 whatever it is, so nobody learns who has an
// account); /reset?token=… from the mail sets the new password (single use; ends every session).
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { ApiForm } from '../../components/api-form';
import { Field } from '../../components/field';
import { usePageTitle } from '../../components/page-title';

export function ResetPage() {
  const [params] = useSearchParams();
  const token = params.get('token');
  return token ? <ConfirmReset token={token} /> : <RequestReset />;
}

function RequestReset() {
  usePageTitle('Reset your password');
  const [sent, setSent] = useState(false);
  return (
    <section className="narrow">
      <h1>Reset your password</h1>
      {sent ? (
        <p role="status">If an account uses that email, a reset link is on its way. It works once, within 30 minutes.</p>
      ) : (
        <ApiForm label="Reset your password" submitLabel="Send reset link" onSubmit={(values) => api.post<void>('/v1/auth/password-reset', { email: values.email })} onSuccess={() => setSent(true)}>
          <Field name="email" label="Email" type="email" autoComplete="email" required />
        </ApiForm>
      )}
      <p>
        <Link to="/sign-in">Back to sign-in</Link>
      </p>
    </section>
  );
}

/** Sets a password from a mailed token: the reset link, and (InvitePage) an invitation. */
export function SetPasswordForm({ token, submitLabel, onDone }: { token: string; submitLabel: string; onDone(): void }) {
  return (
    <ApiForm label={submitLabel} submitLabel={submitLabel} onSubmit={(values) => api.post<void>('/v1/auth/password-reset/confirm', { token, password: values.password })} onSuccess={onDone}>
      <Field name="password" label="New password" type="password" autoComplete="new-password" hint="At least 12 characters; avoid common words and patterns." required />
    </ApiForm>
  );
}

function ConfirmReset({ token }: { token: string }) {
  usePageTitle('Choose a new password');
  const [done, setDone] = useState(false);
  return (
    <section className="narrow">
      <h1>Choose a new password</h1>
      {done ? (
        <p role="status">
          Your password is changed and every session was signed out. <Link to="/sign-in">Sign in</Link>
        </p>
      ) : (
        <SetPasswordForm token={token} submitLabel="Set new password" onDone={() => setDone(true)} />
      )}
    </section>
  );
}
