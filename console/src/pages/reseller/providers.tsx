// Reseller: the external providers it may resell (GET /v1/providers, each with its relationship)
// and its relationships with their commission, 0–50 % (POST/PATCH /v1/relationships: integer basis
// points on the wire, a percentage here). A relationship's offerings reach its customers'
// marketplace at base price + commission.
import { useState } from 'react';
import { api } from '../../api/client';
import { ApiForm } from '../../components/api-form';
import { Field } from '../../components/field';
import { bpsAsPercent, percentToBps } from '../../components/field-problem';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';
import { ActionButton } from '../../components/action-button';
import { useResource } from '../../components/use-resource';
import type { Page } from '../../api/types';

export interface Relationship {
  id: string;
  resellerId: string;
  providerId: string;
  providerName: string;
  commissionBps: number;
  status: 'active' | 'suspended';
  createdAt: string;
}

interface ResellableProvider {
  id: string;
  name: string;
  description: string | null;
  relationship: Relationship | null;
}

const COMMISSION_HINT = 'From 0 to 50 %, e.g. 12.5. Applies to orders placed from now on.';

export function ResellerProvidersPage() {
  usePageTitle('Providers');
  const [reload, setReload] = useState(0);
  const providers = useResource<Page<ResellableProvider>>('/v1/providers?limit=100');
  const relationships = useResource<Page<Relationship>>('/v1/relationships?limit=100');
  const again = () => {
    setReload((n) => n + 1);
    providers.reload();
    relationships.reload();
  };
  const unrelated = (providers.data?.items ?? []).filter((p) => !p.relationship);
  const mine = relationships.data?.items ?? [];

  return (
    <>
      <h1>Providers and relationships</h1>
      <section aria-labelledby="set-commission">
        <h2 id="set-commission">Change a relationship</h2>
        {mine.length === 0 ? (
          <p>No relationships yet: start one below.</p>
        ) : (
          <ApiForm
            label="Change a relationship"
            submitLabel="Save relationship"
            onSubmit={(values) =>
              api.patch<Relationship>(`/v1/relationships/${encodeURIComponent(values.relationshipId ?? '')}`, {
                commissionBps: percentToBps(values.commissionPercent, 'commissionBps'),
                status: values.status,
              })
            }
            onSuccess={again}
          >
            <Field as="select" name="relationshipId" label="Provider" options={mine.map((r) => ({ value: r.id, label: `${r.providerName} (now ${bpsAsPercent(r.commissionBps)}, ${r.status})` }))} />
            <Field name="commissionPercent" label="Commission (%)" errorField="commissionBps" inputMode="decimal" hint={COMMISSION_HINT} required />
            <Field
              as="select"
              name="status"
              label="Status"
              options={[
                { value: 'active', label: 'active: offered to my customers' },
                { value: 'suspended', label: 'suspended: hidden from my customers' },
              ]}
            />
          </ApiForm>
        )}
      </section>
      <section aria-labelledby="new-relationship">
        <h2 id="new-relationship">Resell a provider</h2>
        {unrelated.length === 0 ? (
          <p>{providers.data ? 'You resell every active provider.' : 'Loading providers…'}</p>
        ) : (
          <ApiForm
            label="Resell a provider"
            submitLabel="Start reselling"
            resetOnSuccess
            onSubmit={(values) => api.post<Relationship>('/v1/relationships', { providerId: values.providerId, commissionBps: percentToBps(values.commissionPercent, 'commissionBps') })}
            onSuccess={again}
          >
            <Field as="select" name="providerId" label="Provider" options={unrelated.map((p) => ({ value: p.id, label: p.name }))} />
            <Field name="commissionPercent" label="Commission (%)" errorField="commissionBps" inputMode="decimal" hint={COMMISSION_HINT} required />
          </ApiForm>
        )}
      </section>
      <section aria-labelledby="relationships">
        <h2 id="relationships">Your relationships</h2>
        <PagedList<Relationship>
          path="/v1/relationships"
          caption="Relationships"
          reloadKey={reload}
          rowKey={(r) => r.id}
          empty="You resell no provider yet."
          columns={[
            { header: 'Provider', cell: (r) => r.providerName },
            { header: 'Commission', cell: (r) => bpsAsPercent(r.commissionBps) },
            { header: 'Status', cell: (r) => r.status },
            { header: 'Since', cell: (r) => new Date(r.createdAt).toLocaleDateString() },
            { header: 'Actions', cell: (r) => <ActionButton className="secondary" label="End" ariaLabel={`End reselling ${r.providerName}`} action={() => api.delete(`/v1/relationships/${r.id}`)} onDone={again} /> },
          ]}
        />
      </section>
      <section aria-labelledby="providers">
        <h2 id="providers">Providers you may resell</h2>
        <PagedList<ResellableProvider>
          path="/v1/providers"
          caption="Providers"
          reloadKey={reload}
          rowKey={(p) => p.id}
          empty="No active providers."
          columns={[
            { header: 'Provider', cell: (p) => p.name },
            { header: 'Description', cell: (p) => p.description ?? '' },
            { header: 'Relationship', cell: (p) => (p.relationship ? `${bpsAsPercent(p.relationship.commissionBps)}, ${p.relationship.status}` : 'none') },
          ]}
        />
      </section>
    </>
  );
}
