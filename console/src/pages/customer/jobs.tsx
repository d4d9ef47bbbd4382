// Customer: submit a job (POST /v1/jobs, with an Idempotency-Key so a retried submit is the same
// job) and follow its jobs (GET /v1/jobs). Opening a job shows its status live and its charge.
import { Link, useNavigate } from 'react-router';
import { api, ApiError } from '../../api/client';
import type { Page } from '../../api/types';
import { ApiForm, type FormValues } from '../../components/api-form';
import { DateTime } from '../../components/date-time';
import { ErrorNotice } from '../../components/error-notice';
import { Field } from '../../components/field';
import { Money } from '../../components/money';
import { usePageTitle } from '../../components/page-title';
import { PagedList } from '../../components/paged-list';
import { useResource } from '../../components/use-resource';
import type { Project } from './projects';
import type { Job, Wallet } from './customer-api';

/** A JSON object typed into a textarea; anything else is a field error shown like the API's. */
function jsonObject(text: string, field: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError({ status: 400, code: 'CONSOLE_INVALID_JSON', title: 'Please correct the fields marked below.', errors: [{ field: `body.${field}`, message: 'must be a JSON object, e.g. {"scene": "teapot.blend"}' }] });
  }
  return value as Record<string, unknown>;
}

function submitJob(values: FormValues, idempotencyKey: string): Promise<Job> {
  const requiredLabels = jsonObject(values.requiredLabels ?? '', 'requiredLabels');
  return api.post<Job>(
    '/v1/jobs',
    {
      projectId: values.projectId,
      type: values.type,
      payload: jsonObject(values.payload ?? '', 'payload') ?? {},
      ...(requiredLabels ? { requiredLabels } : {}),
      maxCost: { amount: values.maxCostAmount, currency: values.maxCostCurrency },
    },
    { idempotencyKey },
  );
}

export function JobsPage() {
  usePageTitle('Jobs');
  const navigate = useNavigate();
  const projects = useResource<Page<Project>>('/v1/projects?status=active&limit=100');
  const wallets = useResource<Page<Wallet>>('/v1/wallets');
  const currency = wallets.data?.items[0]?.currency ?? 'EUR';

  return (
    <>
      <h1>Jobs</h1>
      <section aria-labelledby="submit-job">
        <h2 id="submit-job">Submit a job</h2>
        {projects.error ? (
          <ErrorNotice error={projects.error} />
        ) : projects.data && projects.data.items.length === 0 ? (
          <p>
            A job runs in a project: <Link to="/customer/projects">create a project</Link> first.
          </p>
        ) : (
          <ApiForm label="Submit a job" submitLabel="Submit job" onSubmit={submitJob} onSuccess={(job) => void navigate(`/customer/jobs/${job.id}`)}>
            <Field as="select" name="projectId" label="Project" options={(projects.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))} required />
            <Field name="type" label="Job type" placeholder="render" required />
            <Field as="textarea" name="payload" label="Payload (JSON object)" rows={4} defaultValue={'{}'} hint="Handed to the runner as it is; at most 64 KB." />
            <Field as="textarea" name="requiredLabels" label="Required runner labels (JSON object, optional)" rows={2} placeholder='{"gpu": "a100"}' />
            <Field name="maxCostAmount" errorField="maxCost.amount" label="Maximum cost" inputMode="decimal" placeholder="5.00" hint="Held from your wallet while the job runs; you are charged what it used." required />
            <Field name="maxCostCurrency" errorField="maxCost.currency" label="Currency" defaultValue={currency} key={currency} required />
          </ApiForm>
        )}
      </section>
      <section aria-labelledby="job-list">
        <h2 id="job-list">Your jobs</h2>
        <PagedList<Job>
          path="/v1/jobs"
          caption="Jobs"
          rowKey={(j) => j.id}
          empty="No jobs yet."
          columns={[
            { header: 'Job', cell: (j) => <Link to={`/customer/jobs/${j.id}`}>{j.type} · {j.id.slice(0, 8)}</Link> },
            { header: 'Status', cell: (j) => j.status },
            { header: 'Maximum cost', cell: (j) => <Money {...j.maxCost} /> },
            { header: 'Submitted', cell: (j) => <DateTime value={j.createdAt} /> },
          ]}
        />
      </section>
    </>
  );
}
