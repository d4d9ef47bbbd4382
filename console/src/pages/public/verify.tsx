// The link of the verification mail: /verify?token=… → POST /v1/auth/email-verification. The
// token is single-use, so it is sent when the person clicks (not on load, where a mail scanner's
// prefetch could spend it).
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { ApiForm } from '../../components/api-form';
import { usePageTitle } from '../../components/page-title';

export function VerifyPage() {
  usePageTitle('Verify your email');
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [verified, setVerified] = useState(false);

  return (
    <section className="narrow">
      <h1>Verify your email</h1>
      {verified ? (
        <p role="status">
          Your email is verified. <Link to="/sign-in">Sign in</Link>
        </p>
      ) : token ? (
        <ApiForm label="Verify your email" submitLabel="Verify my email" onSubmit={() => api.post<void>('/v1/auth/email-verification', { token })} onSuccess={() => setVerified(true)}>
          <p>Confirm that this email address is yours.</p>
        </ApiForm>
      ) : (
        <p role="alert">This link has no token. Open the link from the email again.</p>
      )}
    </section>
  );
}
