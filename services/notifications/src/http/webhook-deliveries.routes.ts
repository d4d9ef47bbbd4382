// /v1/webhook-deliveries: the deliveries of an account's endpoints (issue 17 item 3) — list by
// endpoint and status, read one with its attempts, replay one, replay everything failed since a time.
import { z } from 'zod';
import { pageSchema } from '@runfleet/contracts';
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import type { WebhookDeps } from '../domain/use-case-deps';
import { getDelivery, listDeliveries, replayDelivery, replayFailedSince } from '../domain/webhook-deliveries';
import { ownerOf } from '../domain/webhook-owner';
import {
  deliveryDetailJson,
  deliveryDetailSchema,
  deliveryJson,
  deliveryListQuery,
  deliveryParams,
  deliverySchema,
  replayFailedBody,
} from './webhooks.schemas';

export function registerWebhookDeliveryRoutes(api: ApiRoutes, deps: WebhookDeps): void {
  const owner = (req: Parameters<typeof principalFromRequest>[0]) => ownerOf(principalFromRequest(req));
  const tags = ['webhooks'];

  api.route(
    {
      method: 'get',
      path: '/v1/webhook-deliveries',
      summary: 'List webhook deliveries',
      description: "Deliveries to the caller's endpoints, newest first; filter by endpoint and status.",
      tags,
      request: { query: deliveryListQuery },
      responses: { 200: { description: 'A page of deliveries', schema: pageSchema(deliverySchema) } },
      errors: [403],
    },
    async ({ query }, req, res) => {
      const page = await listDeliveries(deps, owner(req), query);
      res.json({ items: page.items.map(deliveryJson), nextCursor: page.nextCursor });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/webhook-deliveries/:deliveryId',
      summary: 'Get a webhook delivery with its attempts',
      tags,
      request: { params: deliveryParams },
      responses: { 200: { description: 'The delivery, its payload and every attempt', schema: deliveryDetailSchema } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      res.json(deliveryDetailJson(await getDelivery(deps, owner(req), params.deliveryId)));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/webhook-deliveries/:deliveryId/replay',
      summary: 'Replay a webhook delivery',
      description: 'Sends it again now, with the same webhook-id; the retry schedule starts over. 409 while its endpoint is disabled.',
      tags,
      request: { params: deliveryParams },
      responses: { 202: { description: 'The delivery, pending again', schema: deliveryDetailSchema } },
      errors: [403, 404, 409],
    },
    async ({ params }, req, res) => {
      res.status(202).json(deliveryDetailJson(await replayDelivery(deps, owner(req), params.deliveryId)));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/webhook-deliveries/replay',
      summary: 'Replay every failed delivery of an endpoint since a time',
      description: 'Once an endpoint is fixed (and enabled again), sends everything it missed. 409 while it is disabled.',
      tags,
      request: { body: replayFailedBody },
      responses: { 202: { description: 'How many deliveries were put back on the schedule', schema: z.object({ replayed: z.number().int() }) } },
      errors: [403, 404, 409],
    },
    async ({ body }, req, res) => {
      res.status(202).json({ replayed: await replayFailedSince(deps, owner(req), body.endpointId, new Date(body.since)) });
    },
  );
}
