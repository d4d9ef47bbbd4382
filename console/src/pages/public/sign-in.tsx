// Sign-in (issue 19): email and password; when the account has TOTP the API answers
// AUTH_TOTP_REQUIRED and the form asks for the code too. The gateway turns the answer into the
// rf_session and rf_csrf cookies; the console then reads the user from /v1/auth/me.
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError } from '../../api/client';
import type { User } from '../../api/types';
import { ApiForm } from '../../components/api-form';
import { Field } from '../../components/field';
import { usePageTitle } from '../../components/page-title';
import { homePath } from '../../routes';
import { useSession } from '../../session';

interface LoginAnswer {
  expiresAt: string;
  user: User;
  csrfToken: string;
}

export function SignInPage() {
  usePageTitle('Sign in');
  const [askTotp, setAskTotp] = useState(false);
  const { refresh } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();

  async function submit(values: Record<string, string>) {
    try {
      return await api.post<LoginAnswer>('/v1/auth/login', {
        email: values.email,
        password: values.password,
        ...(values.totpCode ? { totpCode: values.totpCode } : {}),
      });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'AUTH_TOTP_REQUIRED') setAskTotp(true);
      throw err;
    }
  }

  async function signedIn(answer: LoginAnswer) {
    await refresh();
    const next = params.get('next');
    // only a path inside the console, never another origin
    void navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : homePath(answer.user.role));
  }

  return (
    <section className="narrow">
      <h1>Sign in</h1>
      <ApiForm label="Sign in" submitLabel="Sign in" onSubmit={submit} onSuccess={signedIn}>
        <Field name="email" label="Email" type="email" autoComplete="username" required />
        <Field name="password" label="Password" type="password" autoComplete="current-password" required />
        {askTotp && (
          <Field name="totpCode" label="Authentication code" inputMode="numeric" autoComplete="one-time-code" hint="The 6-digit code from your authenticator app." autoFocus />
        )}
      </ApiForm>
      <p>
        <Link to="/reset">Forgot your password?</Link> · <Link to="/sign-up">Create an account</Link>
      </p>
    </section>
  );
}
