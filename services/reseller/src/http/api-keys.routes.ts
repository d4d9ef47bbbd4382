// /v1/api-keys: create, list, get, revoke, rotate (the gateway's verify route is in verify-api-key.routes.ts).
import { z } from 'zod';
import { pageSchema } from '@runfleet/contracts';
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import { actorOf } from '../domain/actor';
import { createApiKey, getApiKey, listApiKeys, revokeApiKey, rotateApiKey } from '../domain/api-keys';
import type { ApiKeyDeps } from '../domain/use-case-deps';
import {
  apiKeyJson,
  apiKeySchema,
  createApiKeyBody,
  issuedApiKeySchema,
  OWNER_TYPES,
  rotateApiKeyBody,
  rotatedApiKeySchema,
} from './api-key.schemas';
import { EXAMPLE_IDS, idParams, listQuery, queryBoolean } from './common.schemas';

const keyParams = idParams('keyId', EXAMPLE_IDS.apiKey);

export function registerApiKeyRoutes(api: ApiRoutes, deps: ApiKeyDeps): void {
  const actor = (req: Parameters<typeof principalFromRequest>[0]) => actorOf(principalFromRequest(req));

  api.route(
    {
      method: 'post',
      path: '/v1/api-keys',
      summary: 'Create an API key',
      description:
        'An admin creates keys for admins, resellers and customers; a reseller for itself and its own customers; a ' +
        'customer for itself. The raw key is in `key` of this response only; it is stored as an HMAC. Audited.',
      tags: ['api-keys'],
      request: { body: createApiKeyBody },
      responses: { 201: { description: 'The new key, with its raw value this once', schema: issuedApiKeySchema } },
      errors: [403, 404, 409],
      idempotencyKey: 'optional',
    },
    async ({ body }, req, res) => {
      const issued = await createApiKey(deps, actor(req), body);
      res.status(201).json({ ...apiKeyJson(issued.apiKey, deps.now()), key: issued.key });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/api-keys',
      summary: 'List API keys',
      description: 'Admins all keys; a reseller its own and its customers’; a customer its own. Newest first.',
      tags: ['api-keys'],
      request: {
        query: listQuery({
          ownerType: z.enum(OWNER_TYPES).optional().meta({ example: 'customer' }),
          ownerId: z.uuid().optional().meta({ example: EXAMPLE_IDS.customer }),
          revoked: queryBoolean('only revoked (true) or only unrevoked (false) keys').optional(),
        }),
      },
      responses: { 200: { description: 'A page of keys (never their secrets)', schema: pageSchema(apiKeySchema) } },
      errors: [403],
    },
    async ({ query }, req, res) => {
      const page = await listApiKeys(deps, actor(req), query);
      const now = deps.now();
      res.json({ items: page.items.map((k) => apiKeyJson(k, now)), nextCursor: page.nextCursor });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/api-keys/:keyId',
      summary: 'Get an API key',
      description: 'Prefix, last 4, scopes, times and status; never the key or its hash.',
      tags: ['api-keys'],
      request: { params: keyParams },
      responses: { 200: { description: 'The key', schema: apiKeySchema } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      res.json(apiKeyJson(await getApiKey(deps, actor(req), params.keyId), deps.now()));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/api-keys/:keyId/revoke',
      summary: 'Revoke an API key',
      description: 'Takes effect at once. Emits apikey.revoked; audited; revoking twice is 409. A scoped key revokes only keys within its own scopes (else 403).',
      tags: ['api-keys'],
      request: { params: keyParams },
      responses: { 200: { description: 'The revoked key', schema: apiKeySchema } },
      errors: [403, 404, 409],
    },
    async ({ params }, req, res) => {
      res.json(apiKeyJson(await revokeApiKey(deps, actor(req), params.keyId), deps.now()));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/api-keys/:keyId/rotate',
      summary: 'Rotate an API key',
      description:
        'Issues a new key (same owner, name, scopes, IPs, rate limit and expiry; raw value in `key`, once). The old key ' +
        'keeps working until min(its expiry, now + graceSeconds). Only an active key rotates (else 409). Audited.',
      tags: ['api-keys'],
      request: { params: keyParams, body: rotateApiKeyBody },
      responses: { 201: { description: 'The new key, with its raw value this once', schema: rotatedApiKeySchema } },
      errors: [403, 404, 409],
      idempotencyKey: 'optional',
    },
    async ({ params, body }, req, res) => {
      const rotated = await rotateApiKey(deps, actor(req), params.keyId, body.graceSeconds);
      const now = deps.now();
      res.status(201).json({ ...apiKeyJson(rotated.apiKey, now), key: rotated.key, rotatedFrom: apiKeyJson(rotated.previous, now) });
    },
  );
}
