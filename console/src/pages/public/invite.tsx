// The link of an invitation mail (an admin or reseller added this person with POST /v1/users):
// /invite?token=… sets the first password, which also verifies the email.
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { usePageTitle } from '../../components/page-title';
import { SetPasswordForm } from './reset';

export function InvitePage() {
  usePageTitle('Accept your invitation');
  const [params] = useSearchParams();
  const token = params.get('token');
  const [done, setDone] = useState(false);

  return (
    <section className="narrow">
      <h1>Accept your invitation</h1>
      {done ? (
        <p role="status">
          Your account is ready. <Link to="/sign-in">Sign in</Link>
        </p>
      ) : token ? (
        <>
          <p>Choose a password to finish setting up your account.</p>
          <SetPasswordForm token={token} submitLabel="Set password" onDone={() => setDone(true)} />
        </>
      ) : (
        <p role="alert">This link has no token. Open the link from the invitation email again.</p>
      )}
    </section>
  );
}
