// Reseller: who signed up with one of its referral codes
// (GET /v1/resellers/me/referral-codes/:codeId/signups).
import { Link, useParams } from 'react-router';
import { DateTime } from '../../components/date-time';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';

interface Signup {
  userId: string;
  email: string;
  name: string;
  customerId: string;
  customerName: string;
  emailVerified: boolean;
  signedUpAt: string;
}

export function ResellerReferralSignupsPage() {
  usePageTitle('Sign-ups');
  const { codeId = '' } = useParams();

  return (
    <>
      <h1>Sign-ups with a referral code</h1>
      <p>
        <Link to="/reseller/referral-codes">All referral codes</Link>
      </p>
      <PagedList<Signup>
        path={`/v1/resellers/me/referral-codes/${encodeURIComponent(codeId)}/signups`}
        caption="Sign-ups"
        rowKey={(s) => s.userId}
        empty="Nobody has signed up with this code yet."
        columns={[
          { header: 'Customer', cell: (s) => <Link to={`/reseller/customers/${s.customerId}`}>{s.customerName}</Link> },
          { header: 'Person', cell: (s) => `${s.name} (${s.email})` },
          { header: 'Email verified', cell: (s) => (s.emailVerified ? 'yes' : 'not yet') },
          { header: 'Signed up', cell: (s) => <DateTime value={s.signedUpAt} /> },
        ]}
      />
    </>
  );
}
