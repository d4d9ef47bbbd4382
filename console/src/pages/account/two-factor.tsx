// The account's optional second factor (TOTP): set up (POST /v1/auth/totp gives a secret that is
// pending until a code from it is confirmed), confirm, or turn off with a current code.
import { useState } from 'react';
import { api } from '../../api/client';
import { ActionButton } from '../../components/action-button';
import { ApiForm } from '../../components/api-form';
import { Field } from '../../components/field';
import { useSession, useUser } from '../../session';

interface TotpSetup {
  secret: string;
  otpauthUrl: string;
}

export function TwoFactorSection() {
  const user = useUser();
  const { refresh } = useSession();
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  return (
    <section aria-labelledby="two-factor">
      <h2 id="two-factor">Two-factor authentication</h2>
      {message && <p role="status">{message}</p>}
      {user.totpEnabled ? (
        <>
          <p>On: signing in asks for a code from your authenticator app.</p>
          <ApiForm
            label="Turn off two-factor authentication"
            submitLabel="Turn off"
            onSubmit={(values) => api.delete<void>('/v1/auth/totp', { code: values.code })}
            onSuccess={() => {
              setMessage('Two-factor authentication is off.');
              void refresh();
            }}
          >
            <Field name="code" label="Current code" inputMode="numeric" autoComplete="one-time-code" required />
          </ApiForm>
        </>
      ) : setup ? (
        <>
          <p>Add this key to your authenticator app (or open the link on your phone), then enter the code it shows.</p>
          <dl className="facts">
            <dt>Key</dt>
            <dd>
              <code data-testid="totp-secret">{setup.secret}</code>
            </dd>
            <dt>Link</dt>
            <dd>
              <a href={setup.otpauthUrl}>Add to authenticator</a>
            </dd>
          </dl>
          <ApiForm
            label="Confirm two-factor authentication"
            submitLabel="Turn on"
            onSubmit={(values) => api.post<void>('/v1/auth/totp/confirm', { code: values.code })}
            onSuccess={() => {
              setSetup(null);
              setMessage('Two-factor authentication is on.');
              void refresh();
            }}
          >
            <Field name="code" label="Code from the app" inputMode="numeric" autoComplete="one-time-code" required />
          </ApiForm>
        </>
      ) : (
        <>
          <p>Off. Add a code from an authenticator app to every sign-in.</p>
          <ActionButton label="Set up two-factor authentication" action={async () => setSetup(await api.post<TotpSetup>('/v1/auth/totp'))} />
        </>
      )}
    </section>
  );
}
