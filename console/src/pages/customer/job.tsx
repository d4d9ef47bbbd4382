// Customer: one job, followed live until it ends (GET /v1/jobs/:id every second), with its hold
// (GET /v1/holds/:holdId): what was reserved, then what the job was charged. Cancel while it may.
import { useParams } from 'react-router';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { ActionButton } from '../../components/action-button';
import { DateTime } from '../../components/date-time';
import { ErrorNotice } from '../../components/error-notice';
import { Money } from '../../components/money';
import { usePageTitle } from '../../components/page-title';
import { Progress, usePoll } from '../../components/progress';
import { CANCELLABLE_JOB_STATUSES, FINAL_JOB_STATUSES, type Hold, type Job } from './customer-api';

const FINAL_HOLD = ['posted', 'voided', 'expired'];

export function JobPage() {
  usePageTitle('Job');
  const { jobId = '' } = useParams();
  const job = usePoll(() => api.get<Job>(`/v1/jobs/${encodeURIComponent(jobId)}`), (j) => FINAL_JOB_STATUSES.includes(j.status), 1000, [jobId]);
  const holdId = job.value?.holdId ?? null;
  const hold = usePoll(
    () => (holdId ? api.get<Hold>(`/v1/holds/${holdId}`) : Promise.resolve(null)),
    (h) => h === null ? !!job.value && FINAL_JOB_STATUSES.includes(job.value.status) : FINAL_HOLD.includes(h.status),
    1000,
    [holdId],
  );

  if (job.error && !job.value) return <ErrorNotice error={job.error} />;
  const j = job.value;
  if (!j) return <Progress label="Loading the job" />;
  const h = hold.value;

  return (
    <>
      <h1>
        Job {j.type} <span className="muted">{j.id}</span>
      </h1>
      <p>
        <Link to="/customer/jobs">All jobs</Link>
      </p>
      <dl className="facts">
        <dt>Status</dt>
        <dd data-testid="job-status">{j.status}</dd>
        {j.reason && (
          <>
            <dt>Reason</dt>
            <dd>
              {j.reason}
              {j.message ? `: ${j.message}` : ''}
            </dd>
          </>
        )}
        <dt>Maximum cost</dt>
        <dd>
          <Money {...j.maxCost} />
        </dd>
        <dt>Charged</dt>
        <dd data-testid="job-charged">
          {h?.status === 'posted' && h.captured !== null ? (
            <Money amount={h.captured} currency={j.maxCost.currency} />
          ) : h && h.status !== 'pending' ? (
            `nothing (${h.status})`
          ) : (
            'not yet'
          )}
        </dd>
        {h && (
          <>
            <dt>Reserved</dt>
            <dd>
              <Money amount={h.amount} currency={j.maxCost.currency} /> ({h.status})
            </dd>
          </>
        )}
        {j.usage && (
          <>
            <dt>Usage</dt>
            <dd>
              {j.usage.units} units in {(j.usage.durationMs / 1000).toFixed(1)} s
            </dd>
          </>
        )}
        <dt>Submitted</dt>
        <dd>
          <DateTime value={j.createdAt} />
        </dd>
        <dt>Finished</dt>
        <dd>
          <DateTime value={j.finishedAt} />
        </dd>
      </dl>
      {job.polling && (
        <Progress
          label={j.progress.percent !== null ? `${j.status}: ${j.progress.percent} %${j.progress.message ? ` — ${j.progress.message}` : ''}` : `The job is ${j.status.replace('_', ' ')}`}
          value={j.progress.percent ?? undefined}
          max={j.progress.percent !== null ? 100 : undefined}
        />
      )}
      {!job.polling && hold.polling && holdId && (
        // a job that ran is charged what it used; any other end (cancelled, rejected) only gives the reserve back
        <Progress label={j.status === 'succeeded' || j.status === 'failed' ? 'Waiting for the charge' : 'Releasing the reserved amount'} />
      )}
      {CANCELLABLE_JOB_STATUSES.includes(j.status) && (
        <ActionButton label="Cancel job" confirm="Cancel this job?" action={() => api.post(`/v1/jobs/${j.id}/cancel`)} className="secondary" />
      )}
    </>
  );
}
