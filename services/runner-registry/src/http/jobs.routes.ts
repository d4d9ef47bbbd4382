// /v1/jobs: a customer submits, lists, gets and cancels its jobs; a reseller reads its customers';
// an admin all (issue 14 item 4).
import { pageSchema } from '@runfleet/contracts';
import { idempotencyKeyFrom, REPLAYED_HEADER } from '@runfleet/idempotency';
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import { actorOf } from '../domain/actor';
import { cancelJob, getJob, listJobs, type CancelDeps } from '../domain/customer-jobs';
import { submitJob, type SubmitDeps } from '../domain/submit-job';
import { EXAMPLE_IDS, idParams } from './common.schemas';
import { jobJson, jobListQuery, jobSchema, submitJobBody } from './job.schemas';

const jobParams = idParams('jobId', EXAMPLE_IDS.job);

export function registerJobRoutes(api: ApiRoutes, deps: SubmitDeps & CancelDeps): void {
  const actor = (req: Parameters<typeof principalFromRequest>[0]) => actorOf(principalFromRequest(req));

  api.route(
    {
      method: 'post',
      path: '/v1/jobs',
      summary: 'Submit a job',
      description:
        'A customer submits a job to one of its active projects. It starts `pending_funds` (job.submitted: billing holds ' +
        '`maxCost`), then becomes `queued` or `rejected`. When no online runner (active, or stale: not yet offline) could ever ' +
        'take it, 422 JOB_NO_COMPATIBLE_RUNNER and nothing is written. `maxCost.currency` must be the customer’s. Idempotency-Key is required and kept by this ' +
        'service for 30 days per caller: a retry with the same key and body answers 201 with the first job as it is now ' +
        '(`Idempotent-Replayed: true`), whatever happened to the first answer; the same key with another body is 422 ' +
        'IDEMPOTENCY_KEY_REUSED.',
      tags: ['jobs'],
      request: { body: submitJobBody },
      responses: { 201: { description: 'The job, pending funds', schema: jobSchema } },
      errors: [403, 404, 409, 413, 422],
      // a retried submit must not hold funds twice: claimed with the job (packages/idempotency)
      idempotencyKey: 'required',
    },
    async ({ body }, req, res) => {
      const key = idempotencyKeyFrom(req.headers, { required: true }) as string;
      const submitted = await submitJob(deps, actor(req), { ...body, requiredLabels: body.requiredLabels ?? {}, priority: body.priority ?? 0 }, key);
      if (submitted.replayed) res.setHeader(REPLAYED_HEADER, 'true');
      res.status(201).json(jobJson(submitted.job));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/jobs',
      summary: 'List jobs',
      description: 'A customer its own, a reseller its customers’, an admin all; by status, project and type. Newest first.',
      tags: ['jobs'],
      request: { query: jobListQuery },
      responses: { 200: { description: 'A page of jobs', schema: pageSchema(jobSchema) } },
      errors: [403],
    },
    async ({ query }, req, res) => {
      const page = await listJobs(deps, actor(req), query);
      res.json({ items: page.items.map(jobJson), nextCursor: page.nextCursor });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/jobs/:jobId',
      summary: 'Get a job',
      tags: ['jobs'],
      request: { params: jobParams },
      responses: { 200: { description: 'The job', schema: jobSchema } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      res.json(jobJson(await getJob(deps, actor(req), params.jobId)));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/jobs/:jobId/cancel',
      summary: 'Cancel a job',
      description:
        'A job waiting for funds, queued, assigned or running becomes `cancelled` (job.cancelled; billing releases the hold). ' +
        'A finished job is 409.',
      tags: ['jobs'],
      request: { params: jobParams },
      responses: { 200: { description: 'The cancelled job', schema: jobSchema } },
      errors: [403, 404, 409],
    },
    async ({ params }, req, res) => {
      res.json(jobJson(await cancelJob(deps, actor(req), params.jobId)));
    },
  );
}
