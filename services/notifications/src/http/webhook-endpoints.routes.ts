// /v1/webhook-endpoints: an account's webhook endpoints (issue 17 item 1) — create (the secret
// shown once), list, read, change, delete, rotate the secret, send a test event.
import { pageSchema } from '@runfleet/contracts';
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  rotateSecret,
  sendTestEvent,
  updateEndpoint,
} from '../domain/manage-endpoints';
import type { WebhookDeps } from '../domain/use-case-deps';
import { ownerOf } from '../domain/webhook-owner';
import {
  createEndpointBody,
  deliveryJson,
  deliverySchema,
  endpointJson,
  endpointListQuery,
  endpointParams,
  endpointSchema,
  endpointWithSecretSchema,
  updateEndpointBody,
} from './webhooks.schemas';

export function registerWebhookEndpointRoutes(api: ApiRoutes, deps: WebhookDeps): void {
  const owner = (req: Parameters<typeof principalFromRequest>[0]) => ownerOf(principalFromRequest(req));
  const tags = ['webhooks'];

  api.route(
    {
      method: 'post',
      path: '/v1/webhook-endpoints',
      summary: 'Create a webhook endpoint',
      description:
        'For the calling customer or reseller. The response carries the signing secret (`whsec_…`); it is never shown again (rotate to get a new one).',
      tags,
      request: { body: createEndpointBody },
      responses: { 201: { description: 'The new endpoint and its secret', schema: endpointWithSecretSchema } },
      errors: [403],
    },
    async ({ body }, req, res) => {
      const created = await createEndpoint(deps, owner(req), body);
      res.status(201).json({ ...endpointJson(created.endpoint), secret: created.secret });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/webhook-endpoints',
      summary: 'List webhook endpoints',
      description: "The caller's own, newest first.",
      tags,
      request: { query: endpointListQuery },
      responses: { 200: { description: 'A page of endpoints', schema: pageSchema(endpointSchema) } },
      errors: [403],
    },
    async ({ query }, req, res) => {
      const page = await listEndpoints(deps, owner(req), query);
      res.json({ items: page.items.map(endpointJson), nextCursor: page.nextCursor });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/webhook-endpoints/:endpointId',
      summary: 'Get a webhook endpoint',
      tags,
      request: { params: endpointParams },
      responses: { 200: { description: 'The endpoint (never its secret)', schema: endpointSchema } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      res.json(endpointJson(await getEndpoint(deps, owner(req), params.endpointId)));
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/v1/webhook-endpoints/:endpointId',
      summary: 'Change a webhook endpoint',
      description: 'URL, event types, description, enabled. Disabling fails its pending deliveries (replay them after enabling it again).',
      tags,
      request: { params: endpointParams, body: updateEndpointBody },
      responses: { 200: { description: 'The changed endpoint', schema: endpointSchema } },
      errors: [403, 404],
    },
    async ({ params, body }, req, res) => {
      res.json(endpointJson(await updateEndpoint(deps, owner(req), params.endpointId, body)));
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/v1/webhook-endpoints/:endpointId',
      summary: 'Delete a webhook endpoint',
      description: 'With its deliveries and their attempts.',
      tags,
      request: { params: endpointParams },
      responses: { 204: { description: 'Deleted' } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      await deleteEndpoint(deps, owner(req), params.endpointId);
      res.status(204).end();
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/webhook-endpoints/:endpointId/rotate-secret',
      summary: 'Rotate the signing secret',
      description:
        'Returns the new secret, shown only here. Until `previousSecretExpiresAt` (24 h by default) every delivery carries two signatures, one per secret, so receivers can switch at leisure.',
      tags,
      request: { params: endpointParams },
      responses: { 200: { description: 'The endpoint and its new secret', schema: endpointWithSecretSchema } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      const rotated = await rotateSecret(deps, owner(req), params.endpointId);
      res.json({ ...endpointJson(rotated.endpoint), secret: rotated.secret });
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/webhook-endpoints/:endpointId/test',
      summary: 'Send a test event',
      description: 'Delivers a `webhook.test` event to the endpoint whatever its filter, signed and retried like any other; the answer is the delivery to follow.',
      tags,
      request: { params: endpointParams },
      responses: { 202: { description: 'The test delivery, pending', schema: deliverySchema } },
      errors: [403, 404, 409],
    },
    async ({ params }, req, res) => {
      res.status(202).json(deliveryJson(await sendTestEvent(deps, owner(req), params.endpointId)));
    },
  );
}
