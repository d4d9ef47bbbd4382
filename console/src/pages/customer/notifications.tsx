// Customer (and reseller): the in-app feed (GET /v1/feed; mark one or all read) and which
// categories also come by email (GET/PUT /v1/notification-preferences).
import { useState } from 'react';
import { api } from '../../api/client';
import { ActionButton } from '../../components/action-button';
import { ApiForm } from '../../components/api-form';
import { DateTime } from '../../components/date-time';
import { ErrorNotice } from '../../components/error-notice';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';
import { Progress } from '../../components/progress';
import { useResource } from '../../components/use-resource';
import { NOTIFICATION_CATEGORIES, type FeedItem, type NotificationPreferences } from './customer-api';

export function NotificationsPage() {
  usePageTitle('Notifications');
  const [reload, setReload] = useState(0);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const again = () => setReload((n) => n + 1);

  return (
    <>
      <h1>Notifications</h1>
      <section aria-labelledby="feed">
        <h2 id="feed">Feed</h2>
        <div className="filters">
          <input id="unread-only" type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} /> <label htmlFor="unread-only">Unread only</label>{' '}
          <ActionButton label="Mark all read" className="secondary" action={() => api.post('/v1/feed/read-all')} onDone={again} />
        </div>
        <PagedList<FeedItem>
          path="/v1/feed"
          query={{ unread: unreadOnly ? 'true' : undefined }}
          caption="Notifications"
          reloadKey={reload}
          rowKey={(i) => i.id}
          empty="Nothing new."
          columns={[
            { header: 'What', cell: (i) => (i.read ? i.title : <strong>{i.title}</strong>) },
            { header: 'Category', cell: (i) => i.category },
            { header: 'When', cell: (i) => <DateTime value={i.occurredAt} /> },
            { header: 'Read', cell: (i) => (i.read ? 'read' : <ActionButton label="Mark read" ariaLabel={`Mark “${i.title}” read`} className="secondary" action={() => api.post(`/v1/feed/${i.id}/read`)} onDone={again} />) },
          ]}
        />
      </section>
      <Preferences />
    </>
  );
}

function Preferences() {
  const preferences = useResource<NotificationPreferences>('/v1/notification-preferences');
  const [saved, setSaved] = useState(false);
  return (
    <section aria-labelledby="email-preferences">
      <h2 id="email-preferences">Email</h2>
      {preferences.error ? (
        <ErrorNotice error={preferences.error} />
      ) : !preferences.data ? (
        <Progress label="Loading your email preferences" />
      ) : (
        <ApiForm
          label="Email preferences"
          submitLabel="Save email preferences"
          onSubmit={(values) => {
            setSaved(false);
            const body = Object.fromEntries(NOTIFICATION_CATEGORIES.map((c) => [c, { email: values[c] === 'on' }]));
            return api.put<NotificationPreferences>('/v1/notification-preferences', body);
          }}
          onSuccess={() => {
            setSaved(true);
            preferences.reload();
          }}
        >
          <fieldset>
            <legend>Send me an email about</legend>
            {NOTIFICATION_CATEGORIES.map((c) => (
              <div key={c} className="check">
                <input id={`pref-${c}`} type="checkbox" name={c} defaultChecked={preferences.data?.[c]?.email ?? true} />
                <label htmlFor={`pref-${c}`}>{c}</label>
              </div>
            ))}
          </fieldset>
          <p className="field-hint">Security mail (a webhook endpoint failing or disabled, sign-in lockouts) is always sent.</p>
        </ApiForm>
      )}
      {saved && <p role="status">Saved.</p>}
    </section>
  );
}
