// /v1/runners: registration with a registration token, and management by admins and customers
// (issue 14 items 1–2): list with discovery filters, get, update, drain, activate, disable, delete.
import { pageSchema } from '@runfleet/contracts';
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import { actorOf, registrationTokenIdOf } from '../domain/actor';
import { registerRunner } from '../domain/register-runner';
import { activateRunner, deleteRunner, disableRunner, drainRunner, getRunner, listRunners, updateRunnerSettings, type RunnerDeps } from '../domain/runners';
import type { TokenDeps } from '../domain/use-case-deps';
import { EXAMPLE_IDS, idParams } from './common.schemas';
import { registerRunnerBody, registeredRunnerSchema, runnerJson, runnerListQuery, runnerSchema, updateRunnerBody } from './runner.schemas';

const runnerParams = idParams('runnerId', EXAMPLE_IDS.runner);

export function registerRunnerRoutes(api: ApiRoutes, deps: TokenDeps & RunnerDeps): void {
  const actor = (req: Parameters<typeof principalFromRequest>[0]) => actorOf(principalFromRequest(req));

  api.route(
    {
      method: 'post',
      path: '/v1/runners',
      summary: 'Register a runner',
      description:
        'Called with a registration token (`Authorization: Bearer rf_rg_…`). Answers the runner and its runner token ' +
        '(`token`, shown this once); emits runner.registered. A revoked, expired or used-up token is 401.',
      tags: ['runners'],
      request: { body: registerRunnerBody },
      responses: { 201: { description: 'The runner, with its runner token this once', schema: registeredRunnerSchema } },
      errors: [401, 403],
      idempotencyKey: 'optional',
    },
    async ({ body }, req, res) => {
      const tokenId = registrationTokenIdOf(principalFromRequest(req));
      const registered = await registerRunner(deps, tokenId, { ...body, labels: body.labels ?? {} });
      res.status(201).json({ ...runnerJson(registered.runner), token: registered.token });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/runners',
      summary: 'List runners (discovery)',
      description:
        'Admins all runners; a reseller its customers’; a customer its own. `jobType`, `label` and `status` narrow it to the ' +
        'runners that can take a job of that type (`?jobType=render&label=gpu=a100&status=active`). Newest first.',
      tags: ['runners'],
      request: { query: runnerListQuery },
      responses: { 200: { description: 'A page of runners', schema: pageSchema(runnerSchema) } },
      errors: [403],
    },
    async ({ query }, req, res) => {
      const page = await listRunners(deps, actor(req), { ...query, labels: query.label });
      res.json({ items: page.items.map(runnerJson), nextCursor: page.nextCursor });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/runners/:runnerId',
      summary: 'Get a runner',
      tags: ['runners'],
      request: { params: runnerParams },
      responses: { 200: { description: 'The runner', schema: runnerSchema } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      res.json(runnerJson(await getRunner(deps, actor(req), params.runnerId)));
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/v1/runners/:runnerId',
      summary: 'Change a runner’s labels or capacity',
      description: 'Admins any runner, a customer its own. `labels` replaces every label.',
      tags: ['runners'],
      request: { params: runnerParams, body: updateRunnerBody },
      responses: { 200: { description: 'The runner', schema: runnerSchema } },
      errors: [403, 404],
    },
    async ({ params, body }, req, res) => {
      res.json(runnerJson(await updateRunnerSettings(deps, actor(req), params.runnerId, body)));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/runners/:runnerId/drain',
      summary: 'Drain a runner',
      description: 'It finishes the jobs it holds and claims no new ones. Draining a draining runner changes nothing.',
      tags: ['runners'],
      request: { params: runnerParams },
      responses: { 200: { description: 'The runner', schema: runnerSchema } },
      errors: [403, 404, 409],
    },
    async ({ params }, req, res) => {
      res.json(runnerJson(await drainRunner(deps, actor(req), params.runnerId)));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/runners/:runnerId/activate',
      summary: 'Put a drained or disabled runner back to work',
      tags: ['runners'],
      request: { params: runnerParams },
      responses: { 200: { description: 'The runner', schema: runnerSchema } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      res.json(runnerJson(await activateRunner(deps, actor(req), params.runnerId)));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/runners/:runnerId/disable',
      summary: 'Disable a runner',
      description:
        'Its runner token stops working (at the gateway within a second, through runner.revoked); the jobs it held go back ' +
        'to the queue, or fail with runner_lost at their last attempt.',
      tags: ['runners'],
      request: { params: runnerParams },
      responses: { 200: { description: 'The runner', schema: runnerSchema } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      res.json(runnerJson(await disableRunner(deps, actor(req), params.runnerId)));
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/v1/runners/:runnerId',
      summary: 'Delete a runner',
      description: 'As disable, and the runner is gone; its jobs keep its id.',
      tags: ['runners'],
      request: { params: runnerParams },
      responses: { 204: { description: 'Deleted' } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      await deleteRunner(deps, actor(req), params.runnerId);
      res.status(204).end();
    },
  );
}
