// Reseller: its referral codes (issue 19: lead and referral tracking) — create one (a code of its
// own or a generated one), and each with its number of sign-ups, opening the list of them.
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { ApiForm, type FormValues } from '../../components/api-form';
import { Field } from '../../components/field';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';

export interface ReferralCode {
  id: string;
  code: string;
  label: string | null;
  signups: number;
  createdAt: string;
}

function codeBody(values: FormValues): Record<string, string> {
  const body: Record<string, string> = {};
  if (values.code?.trim()) body.code = values.code.trim();
  if (values.label?.trim()) body.label = values.label.trim();
  return body;
}

export function ResellerReferralCodesPage() {
  usePageTitle('Referral codes');
  const [reload, setReload] = useState(0);

  return (
    <>
      <h1>Referral codes</h1>
      <p>People who sign up with one of your codes become your customers.</p>
      <section aria-labelledby="new-code">
        <h2 id="new-code">New code</h2>
        <ApiForm label="New referral code" submitLabel="Create code" resetOnSuccess onSubmit={(values) => api.post<ReferralCode>('/v1/resellers/me/referral-codes', codeBody(values))} onSuccess={() => setReload((n) => n + 1)}>
          <Field name="code" label="Code (optional)" hint="4–32 letters, digits, - or _; left empty, one is made up for you." autoComplete="off" />
          <Field name="label" label="Label (optional)" hint="e.g. the campaign it is for" />
        </ApiForm>
      </section>
      <section aria-labelledby="code-list">
        <h2 id="code-list">Your codes</h2>
        <PagedList<ReferralCode>
          path="/v1/resellers/me/referral-codes"
          caption="Referral codes"
          reloadKey={reload}
          rowKey={(c) => c.id}
          empty="No referral codes yet."
          columns={[
            { header: 'Code', cell: (c) => <code>{c.code}</code> },
            { header: 'Label', cell: (c) => c.label ?? '' },
            { header: 'Sign-ups', cell: (c) => <Link to={`/reseller/referral-codes/${c.id}`} aria-label={`${c.signups} sign-up${c.signups === 1 ? '' : 's'} with ${c.code}`}>{c.signups}</Link> },
            { header: 'Created', cell: (c) => new Date(c.createdAt).toLocaleDateString() },
          ]}
        />
      </section>
    </>
  );
}
