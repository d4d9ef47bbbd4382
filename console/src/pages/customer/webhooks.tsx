// Customer: webhook endpoints (create — the signing secret is shown once —, send a test,
// enable/disable, delete) and deliveries (per endpoint, status, attempts, replay one; followed
// until they are no longer pending).
import { useState } from 'react';
import { api } from '../../api/client';
import type { Page } from '../../api/types';
import { ActionButton } from '../../components/action-button';
import { ApiForm } from '../../components/api-form';
import { DateTime } from '../../components/date-time';
import { Field } from '../../components/field';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';
import { useResource } from '../../components/use-resource';
import type { WebhookDelivery, WebhookEndpoint } from './customer-api';

export function WebhooksPage() {
  usePageTitle('Webhooks');
  const [reload, setReload] = useState(0);
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const [deliveryStatus, setDeliveryStatus] = useState('');
  const [deliveryEndpoint, setDeliveryEndpoint] = useState('');
  // the endpoints' URLs name each delivery's endpoint and fill the endpoint filter
  const endpoints = useResource<Page<WebhookEndpoint>>('/v1/webhook-endpoints?limit=100');
  const urlOf = new Map((endpoints.data?.items ?? []).map((e) => [e.id, e.url]));
  const again = () => {
    setReload((n) => n + 1);
    endpoints.reload();
  };

  return (
    <>
      <h1>Webhooks</h1>
      <section aria-labelledby="new-endpoint">
        <h2 id="new-endpoint">New endpoint</h2>
        <ApiForm
          label="New endpoint"
          submitLabel="Add endpoint"
          resetOnSuccess
          onSubmit={(values) =>
            api.post<WebhookEndpoint & { secret: string }>('/v1/webhook-endpoints', {
              url: values.url,
              eventTypes: (values.eventTypes ?? '').split(',').map((t) => t.trim()).filter(Boolean),
              ...(values.description ? { description: values.description } : {}),
            })
          }
          onSuccess={(endpoint) => {
            setCreated({ url: endpoint.url, secret: endpoint.secret });
            again();
          }}
        >
          <Field name="url" label="URL" type="url" placeholder="https://example.com/hooks/runfleet" required />
          <Field name="eventTypes" label="Event types" defaultValue="*" hint="Comma-separated: names (job.completed), namespaces (job.*) or * for every event." required />
          <Field name="description" label="Description (optional)" />
        </ApiForm>
        {created && (
          <div role="status" className="notice">
            <p>
              Endpoint {created.url} added. Its signing secret is shown only now — store it where your receiver reads it:
            </p>
            <p>
              <code data-testid="webhook-secret">{created.secret}</code>
            </p>
          </div>
        )}
      </section>
      <section aria-labelledby="endpoints">
        <h2 id="endpoints">Endpoints</h2>
        <PagedList<WebhookEndpoint>
          path="/v1/webhook-endpoints"
          caption="Endpoints"
          reloadKey={reload}
          rowKey={(e) => e.id}
          empty="No endpoints yet."
          columns={[
            { header: 'URL', cell: (e) => e.url },
            { header: 'Events', cell: (e) => e.eventTypes.join(', ') },
            { header: 'State', cell: (e) => (e.enabled ? 'enabled' : `disabled${e.disabledReason ? ` (${e.disabledReason})` : ''}`) },
            {
              header: 'Actions',
              cell: (e) => (
                <>
                  <ActionButton label="Send test" ariaLabel={`Send a test to ${e.url}`} action={() => api.post(`/v1/webhook-endpoints/${e.id}/test`)} onDone={again} />{' '}
                  <ActionButton
                    label={e.enabled ? 'Disable' : 'Enable'}
                    ariaLabel={`${e.enabled ? 'Disable' : 'Enable'} ${e.url}`}
                    className="secondary"
                    action={() => api.patch(`/v1/webhook-endpoints/${e.id}`, { enabled: !e.enabled })}
                    onDone={again}
                  />{' '}
                  <ActionButton label="Delete" ariaLabel={`Delete ${e.url}`} className="secondary" confirm={`Delete ${e.url} and its deliveries?`} action={() => api.delete(`/v1/webhook-endpoints/${e.id}`)} onDone={again} />
                </>
              ),
            },
          ]}
        />
      </section>
      <section aria-labelledby="deliveries">
        <h2 id="deliveries">Deliveries</h2>
        <div className="filters">
          <Field
            as="select"
            name="deliveryEndpoint"
            label="Endpoint"
            value={deliveryEndpoint}
            onChange={(e) => setDeliveryEndpoint(e.target.value)}
            options={[{ value: '', label: 'every endpoint' }, ...(endpoints.data?.items ?? []).map((e) => ({ value: e.id, label: e.url }))]}
          />
          <Field
            as="select"
            name="deliveryStatus"
            label="Status"
            value={deliveryStatus}
            onChange={(e) => setDeliveryStatus(e.target.value)}
            options={[{ value: '', label: 'any' }, ...['pending', 'succeeded', 'failed'].map((s) => ({ value: s, label: s }))]}
          />
        </div>
        <PagedList<WebhookDelivery>
          path="/v1/webhook-deliveries"
          query={{ status: deliveryStatus, endpointId: deliveryEndpoint }}
          caption="Deliveries"
          reloadKey={reload}
          // a pending delivery (new, retrying or just replayed) is followed until it succeeds or fails
          pollWhile={(items) => items.some((d) => d.status === 'pending')}
          rowKey={(d) => d.id}
          empty="No deliveries yet."
          columns={[
            { header: 'Event', cell: (d) => d.eventType },
            { header: 'Endpoint', cell: (d) => urlOf.get(d.endpointId) ?? d.endpointId.slice(0, 8) },
            { header: 'Status', cell: (d) => d.status },
            { header: 'Attempts', cell: (d) => d.attemptCount },
            { header: 'Created', cell: (d) => <DateTime value={d.createdAt} /> },
            {
              header: 'Replay',
              cell: (d) =>
                d.status === 'pending' ? (
                  '—'
                ) : (
                  <ActionButton label="Replay" ariaLabel={`Replay ${d.eventType} delivery ${d.id.slice(0, 8)}`} action={() => api.post(`/v1/webhook-deliveries/${d.id}/replay`)} onDone={again} />
                ),
            },
          ]}
        />
      </section>
    </>
  );
}
