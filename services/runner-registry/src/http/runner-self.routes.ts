// /v1/runners/me/…: what a runner calls with its runner token (issue 14 item 5) — itself, claiming
// (long-poll), and moving the jobs assigned to it. A job assigned to another runner is 404.
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import { runnerIdOf } from '../domain/actor';
import type { RegistryMetrics } from '../registry-metrics';
import { claimJob, type ClaimDeps } from '../domain/claim-job';
import { recordHeartbeat, type HeartbeatDeps } from '../domain/record-heartbeat';
import { completeJob, failJob, getRunnerJob, getSelf, reportProgress, startJob } from '../domain/runner-jobs';
import { EXAMPLE_IDS, idParams } from './common.schemas';
import { claimBody, completeBody, failBody, heartbeatAnswer, heartbeatBody, jobJson, jobSchema, progressBody } from './job.schemas';
import { runnerJson, runnerSchema } from './runner.schemas';

const jobParams = idParams('jobId', EXAMPLE_IDS.job);

export interface RunnerSelfDeps extends ClaimDeps, HeartbeatDeps {
  /** the longest a claim waits (config CLAIM_MAX_WAIT_SECONDS) */
  claimMaxWaitSeconds: number;
  metrics: RegistryMetrics;
}

export function registerRunnerSelfRoutes(api: ApiRoutes, deps: RunnerSelfDeps): void {
  const runner = (req: Parameters<typeof principalFromRequest>[0]) => runnerIdOf(principalFromRequest(req));

  api.route(
    {
      method: 'get',
      path: '/v1/runners/me',
      summary: 'The calling runner',
      tags: ['runner-api'],
      responses: { 200: { description: 'The runner', schema: runnerSchema } },
      errors: [401, 403],
    },
    async (_input, req, res) => {
      res.json(runnerJson(await getSelf(deps, runner(req))));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/runners/me/heartbeat',
      summary: 'Heartbeat',
      description:
        'Tells the registry the runner is alive (version, jobs running, free capacity): Redis only, written to the database ' +
        'in batches. Answers the runner’s jobs cancelled lately. A runner silent for STALE_AFTER_MISSED intervals is stale ' +
        '(gets no new jobs), for OFFLINE_AFTER_MISSED offline (its jobs are requeued); its next heartbeat makes it active again at once.',
      tags: ['runner-api'],
      request: { body: heartbeatBody },
      responses: { 200: { description: 'Cancelled jobs and the interval to keep', schema: heartbeatAnswer } },
      errors: [401, 403, 503],
    },
    async ({ body }, req, res) => {
      const answer = await recordHeartbeat(deps, runner(req), body);
      deps.metrics.heartbeats.inc();
      res.json(answer);
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/runners/me/jobs/claim',
      summary: 'Claim the next job (long-poll)',
      description:
        'Answers at once with a queued job this runner can run (its types, its labels, within its capacity; by priority then ' +
        'age), else waits up to `waitSeconds` for one and answers 204 if none came. 409 when the runner is at capacity or not active. ' +
        'Start the job within ASSIGNMENT_LEASE_SECONDS: a job still assigned after that goes back to the queue (lease_expired).',
      tags: ['runner-api'],
      request: { body: claimBody },
      responses: { 200: { description: 'The job, now assigned to this runner', schema: jobSchema }, 204: { description: 'No job came in time' } },
      errors: [401, 403, 409],
    },
    async ({ body }, req, res) => {
      const runnerId = runner(req);
      const waitSeconds = Math.min(body.waitSeconds ?? deps.claimMaxWaitSeconds, deps.claimMaxWaitSeconds);
      // A runner that hangs up stops waiting (and claims nothing more for it).
      const gone = new AbortController();
      res.on('close', () => gone.abort());
      const stopTimer = deps.metrics.claimWait.startTimer();
      const job = await claimJob(deps, runnerId, waitSeconds * 1000, gone.signal);
      stopTimer({ outcome: job ? 'job' : 'none' });
      if (job) res.json(jobJson(job));
      else res.status(204).end();
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/runners/me/jobs/:jobId',
      summary: 'A job assigned to this runner',
      description: 'Its status says whether it was cancelled meanwhile.',
      tags: ['runner-api'],
      request: { params: jobParams },
      responses: { 200: { description: 'The job', schema: jobSchema } },
      errors: [401, 403, 404],
    },
    async ({ params }, req, res) => {
      res.json(jobJson(await getRunnerJob(deps, runner(req), params.jobId)));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/runners/me/jobs/:jobId/start',
      summary: 'Start an assigned job',
      description: '`assigned` → `running`; emits job.started.',
      tags: ['runner-api'],
      request: { params: jobParams },
      responses: { 200: { description: 'The job', schema: jobSchema } },
      errors: [401, 403, 404, 409],
    },
    async ({ params }, req, res) => {
      res.json(jobJson(await startJob(deps, runner(req), params.jobId)));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/runners/me/jobs/:jobId/progress',
      summary: 'Report progress of a running job',
      description: 'Optional percentage and message; also proof that the runner is alive. 409 once the job was cancelled.',
      tags: ['runner-api'],
      request: { params: jobParams, body: progressBody },
      responses: { 200: { description: 'The job', schema: jobSchema } },
      errors: [401, 403, 404, 409],
    },
    async ({ params, body }, req, res) => {
      res.json(jobJson(await reportProgress(deps, runner(req), params.jobId, body)));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/runners/me/jobs/:jobId/complete',
      summary: 'Complete a running job with its usage',
      description:
        '`running` → `succeeded`; emits job.completed with the usage (billing prices it). Sent again with the same usage it ' +
        'changes nothing and answers the job (a safe retry).',
      tags: ['runner-api'],
      request: { params: jobParams, body: completeBody },
      responses: { 200: { description: 'The job', schema: jobSchema } },
      errors: [401, 403, 404, 409],
    },
    async ({ params, body }, req, res) => {
      res.json(jobJson(await completeJob(deps, runner(req), params.jobId, body)));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/runners/me/jobs/:jobId/fail',
      summary: 'Fail an assigned or running job with its own error',
      description:
        '→ `failed` (reason job_error, with the message and the usage, if reported); emits job.failed. Billing charges the usage reported (capped at the maximum cost); without usage the job costs nothing.',
      tags: ['runner-api'],
      request: { params: jobParams, body: failBody },
      responses: { 200: { description: 'The job', schema: jobSchema } },
      errors: [401, 403, 404, 409],
    },
    async ({ params, body }, req, res) => {
      res.json(jobJson(await failJob(deps, runner(req), params.jobId, body)));
    },
  );
}
