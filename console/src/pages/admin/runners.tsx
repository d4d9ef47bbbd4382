// Admin: runners (GET /v1/runners; drain, activate, disable) and registration tokens (create —
// the token is shown this once —, list, revoke): docs/api.md "Runners".
import { useState } from 'react';
import { api } from '../../api/client';
import { ApiForm, type FormValues } from '../../components/api-form';
import { Field } from '../../components/field';
import { fieldProblem } from '../../components/field-problem';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';
import { ActionButton } from '../../components/action-button';

interface Runner {
  id: string;
  name: string;
  jobTypes: string[];
  capacity: number;
  version: string;
  scope: 'shared' | 'customer';
  customerId: string | null;
  status: 'active' | 'stale' | 'offline' | 'draining' | 'disabled';
  lastHeartbeatAt: string | null;
}

interface RegistrationToken {
  id: string;
  prefix: string;
  last4: string;
  scope: 'shared' | 'customer';
  customerId: string | null;
  description: string;
  status: 'active' | 'revoked' | 'expired' | 'used_up';
  maxUses: number | null;
  uses: number;
}

function tokenBody(values: FormValues): Record<string, unknown> {
  const body: Record<string, unknown> = { description: values.description };
  const maxUses = values.maxUses?.trim();
  if (maxUses) {
    if (!/^\d+$/.test(maxUses)) throw fieldProblem('maxUses', 'A whole number of runners.');
    body.maxUses = Number(maxUses);
  }
  if (values.customerId?.trim()) body.customerId = values.customerId.trim();
  return body;
}

export function AdminRunnersPage() {
  usePageTitle('Runners');
  const [reload, setReload] = useState(0);
  const [status, setStatus] = useState('');
  const [newToken, setNewToken] = useState<string | undefined>(undefined);
  const again = () => setReload((n) => n + 1);

  return (
    <>
      <h1>Runners</h1>
      <section aria-labelledby="runner-list">
        <h2 id="runner-list">Runners</h2>
        <div className="filters">
          <label htmlFor="runner-status">Status</label>
          <select id="runner-status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">All</option>
            {['active', 'stale', 'offline', 'draining', 'disabled'].map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <PagedList<Runner>
          path="/v1/runners"
          query={{ status }}
          caption="Runners"
          reloadKey={reload}
          rowKey={(r) => r.id}
          empty="No runners."
          columns={[
            { header: 'Name', cell: (r) => r.name },
            { header: 'Job types', cell: (r) => r.jobTypes.join(', ') },
            { header: 'Capacity', cell: (r) => r.capacity },
            { header: 'Runs jobs of', cell: (r) => (r.scope === 'shared' ? 'everyone' : `customer ${r.customerId?.slice(0, 8) ?? ''}`) },
            { header: 'Status', cell: (r) => r.status },
            { header: 'Last heartbeat', cell: (r) => (r.lastHeartbeatAt ? new Date(r.lastHeartbeatAt).toLocaleString() : 'never') },
            {
              header: 'Actions',
              cell: (r) => (
                <>
                  {r.status !== 'draining' && r.status !== 'disabled' && <ActionButton className="secondary" label="Drain" ariaLabel={`Drain ${r.name}`} action={() => api.post(`/v1/runners/${r.id}/drain`)} onDone={again} />}
                  {(r.status === 'draining' || r.status === 'disabled') && <ActionButton className="secondary" label="Activate" ariaLabel={`Activate ${r.name}`} action={() => api.post(`/v1/runners/${r.id}/activate`)} onDone={again} />}
                  {r.status !== 'disabled' && <ActionButton className="secondary" label="Disable" ariaLabel={`Disable ${r.name}`} action={() => api.post(`/v1/runners/${r.id}/disable`)} onDone={again} />}
                </>
              ),
            },
          ]}
        />
      </section>
      <section aria-labelledby="new-token">
        <h2 id="new-token">New registration token</h2>
        <ApiForm
          label="New registration token"
          submitLabel="Create token"
          resetOnSuccess
          onSubmit={(values) => api.post<RegistrationToken & { token: string }>('/v1/registration-tokens', tokenBody(values))}
          onSuccess={(created) => {
            setNewToken(created.token);
            again();
          }}
        >
          <Field name="description" label="Description" required />
          <Field name="maxUses" label="Runners it may register (optional)" inputMode="numeric" />
          <Field name="customerId" label="Customer id (optional)" hint="Left empty: shared runners that run anyone’s jobs." autoComplete="off" />
        </ApiForm>
        {newToken && (
          <div role="status" className="secret">
            <p>Copy the token now: it is not shown again.</p>
            <code>{newToken}</code>
          </div>
        )}
      </section>
      <section aria-labelledby="token-list">
        <h2 id="token-list">Registration tokens</h2>
        <PagedList<RegistrationToken>
          path="/v1/registration-tokens"
          caption="Registration tokens"
          reloadKey={reload}
          rowKey={(t) => t.id}
          empty="No registration tokens."
          columns={[
            { header: 'Description', cell: (t) => t.description },
            { header: 'Token', cell: (t) => <code>{`${t.prefix}_…${t.last4}`}</code> },
            { header: 'Scope', cell: (t) => (t.scope === 'shared' ? 'shared' : `customer ${t.customerId?.slice(0, 8) ?? ''}`) },
            { header: 'Uses', cell: (t) => `${t.uses}${t.maxUses !== null ? ` of ${t.maxUses}` : ''}` },
            { header: 'Status', cell: (t) => t.status },
            {
              header: 'Actions',
              cell: (t) => (t.status === 'active' ? <ActionButton className="secondary" label="Revoke" ariaLabel={`Revoke token ${t.description}`} action={() => api.post(`/v1/registration-tokens/${t.id}/revoke`)} onDone={again} /> : null),
            },
          ]}
        />
      </section>
    </>
  );
}
