// Sign-up (issue 19): a direct customer, or — with a reseller's referral code (`?ref=` in the
// link the reseller shares) — that reseller's customer. The API answers 202 whether or not the
// email is taken; the verification link arrives by mail.
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { ApiForm } from '../../components/api-form';
import { Field } from '../../components/field';
import { usePageTitle } from '../../components/page-title';

export function SignUpPage() {
  usePageTitle('Create an account');
  const [params] = useSearchParams();
  const [sentTo, setSentTo] = useState<string | null>(null);

  if (sentTo) {
    return (
      <section className="narrow">
        <h1>Check your email</h1>
        <p role="status">
          We sent a link to <strong>{sentTo}</strong>. Open it within 30 minutes to verify your email, then sign in.
        </p>
        <p>
          <Link to="/sign-in">Go to sign-in</Link>
        </p>
      </section>
    );
  }

  return (
    <section className="narrow">
      <h1>Create an account</h1>
      <ApiForm
        label="Create an account"
        submitLabel="Create account"
        onSubmit={(values) =>
          api.post<{ status: string }>('/v1/auth/signup', {
            name: values.name,
            email: values.email,
            password: values.password,
            ...(values.referralCode ? { referralCode: values.referralCode } : {}),
          })
        }
        onSuccess={(_answer, form) => setSentTo(new FormData(form).get('email') as string)}
      >
        <Field name="name" label="Name" autoComplete="name" required />
        <Field name="email" label="Email" type="email" autoComplete="email" required />
        <Field name="password" label="Password" type="password" autoComplete="new-password" hint="At least 12 characters; avoid common words and patterns." required />
        <Field name="referralCode" label="Referral code (optional)" defaultValue={params.get('ref') ?? ''} hint="From your reseller, if one sent you here." />
      </ApiForm>
      <p>
        Already have an account? <Link to="/sign-in">Sign in</Link>
      </p>
    </section>
  );
}
