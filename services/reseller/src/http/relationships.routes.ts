// /v1/relationships: a reseller resells an external provider with a commission of 0–50 %
// (0–5000 basis points), one relationship per provider; it may change the commission, suspend
// (status suspended: the provider's offerings leave its customers' marketplace), or delete it.
// Admins see and manage every reseller's relationships.
import { z } from 'zod';
import { pageSchema } from '@runfleet/contracts';
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import type { Request } from 'express';
import type { RelationshipRecord } from '../data/relationship.repository';
import { actorOf } from '../domain/actor';
import { createRelationship, deleteRelationship, updateRelationship } from '../domain/manage-relationships';
import { getRelationship, listRelationships } from '../domain/read-relationships';
import type { UseCaseDeps } from '../domain/use-case-deps';
import { COMMERCE_EXAMPLE_IDS } from './commerce.schemas';
import { EXAMPLE_IDS, EXAMPLE_TIME, idParams, iso, listQuery, timestampSchema } from './common.schemas';

const statusSchema = z.enum(['active', 'suspended']);
const commissionBpsSchema = z
  .number()
  .int()
  .min(0)
  .max(5000)
  .meta({ description: 'the reseller’s commission on the base price in basis points: 0–5000 (0–50 %); 1250 = 12.5 %', example: 1250 });

export const relationshipSchema = z
  .object({
    id: z.uuid(),
    resellerId: z.uuid(),
    providerId: z.uuid(),
    providerName: z.string(),
    commissionBps: z.number().int(),
    status: statusSchema.meta({ description: 'suspended: the provider’s offerings are hidden from the reseller’s customers' }),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({
    example: {
      id: COMMERCE_EXAMPLE_IDS.relationship,
      resellerId: EXAMPLE_IDS.reseller,
      providerId: COMMERCE_EXAMPLE_IDS.provider,
      providerName: 'Acme Cloud',
      commissionBps: 1250,
      status: 'active',
      createdAt: EXAMPLE_TIME,
      updatedAt: EXAMPLE_TIME,
    },
  });

export const relationshipJson = (r: RelationshipRecord): z.infer<typeof relationshipSchema> => ({
  id: r.id,
  resellerId: r.resellerId,
  providerId: r.providerId,
  providerName: r.providerName,
  commissionBps: r.commissionBps,
  status: r.status as z.infer<typeof statusSchema>,
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});

const createBody = z
  .strictObject({
    providerId: z.uuid().meta({ example: COMMERCE_EXAMPLE_IDS.provider }),
    commissionBps: commissionBpsSchema,
    resellerId: z
      .uuid()
      .optional()
      .meta({ description: 'admins only (required for them): the reseller the relationship is for; a reseller may not set it' }),
  })
  .meta({ example: { providerId: COMMERCE_EXAMPLE_IDS.provider, commissionBps: 1250 } });

const updateBody = z
  .strictObject({
    commissionBps: commissionBpsSchema.optional(),
    status: statusSchema.optional().meta({ description: 'suspended pauses reselling; active resumes it' }),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'name at least one field to change' })
  .meta({ example: { commissionBps: 1500 } });

const relationshipParams = idParams('relationshipId', COMMERCE_EXAMPLE_IDS.relationship);

export function registerRelationshipRoutes(api: ApiRoutes, deps: UseCaseDeps): void {
  const actor = (req: Request) => actorOf(principalFromRequest(req));

  api.route(
    {
      method: 'post',
      path: '/v1/relationships',
      summary: 'Start reselling a provider',
      description:
        'A reseller for itself; an admin for the reseller named by `resellerId`. The provider must be active (else 404). ' +
        'One relationship per reseller and provider: a second is 409 RELATIONSHIP_EXISTS. Audited.',
      tags: ['relationships'],
      request: { body: createBody },
      responses: { 201: { description: 'The new relationship', schema: relationshipSchema } },
      errors: [403, 404, 409],
      idempotencyKey: 'optional',
    },
    async ({ body }, req, res) => {
      res.status(201).json(relationshipJson(await createRelationship(deps, actor(req), body)));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/relationships',
      summary: 'List relationships',
      description: 'A reseller its own; admins all, optionally one reseller’s (`resellerId`). Customers 403. Newest first.',
      tags: ['relationships'],
      request: {
        query: listQuery({
          resellerId: z.uuid().optional().meta({ description: 'admins only', example: EXAMPLE_IDS.reseller }),
          providerId: z.uuid().optional().meta({ example: COMMERCE_EXAMPLE_IDS.provider }),
          status: statusSchema.optional(),
        }),
      },
      responses: { 200: { description: 'A page of relationships', schema: pageSchema(relationshipSchema) } },
      errors: [403],
    },
    async ({ query }, req, res) => {
      const page = await listRelationships(deps, actor(req), query);
      res.json({ items: page.items.map(relationshipJson), nextCursor: page.nextCursor });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/relationships/:relationshipId',
      summary: 'Get a relationship',
      description: 'The reseller’s own, or any for an admin; another reseller’s is 404.',
      tags: ['relationships'],
      request: { params: relationshipParams },
      responses: { 200: { description: 'The relationship', schema: relationshipSchema } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      res.json(relationshipJson(await getRelationship(deps, actor(req), params.relationshipId)));
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/v1/relationships/:relationshipId',
      summary: 'Change the commission, suspend or reactivate a relationship',
      description:
        'The reseller’s own, or any for an admin. A new commission prices orders placed from now on; placed orders keep ' +
        'theirs. Commission changes are audited (relationship.commission_changed, from → to).',
      tags: ['relationships'],
      request: { params: relationshipParams, body: updateBody },
      responses: { 200: { description: 'The relationship after the change', schema: relationshipSchema } },
      errors: [403, 404],
    },
    async ({ params, body }, req, res) => {
      res.json(relationshipJson(await updateRelationship(deps, actor(req), params.relationshipId, body)));
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/v1/relationships/:relationshipId',
      summary: 'Stop reselling a provider',
      description: 'Deletes the relationship: the provider’s offerings leave the reseller’s customers’ marketplace. Audited.',
      tags: ['relationships'],
      request: { params: relationshipParams },
      responses: { 204: { description: 'Deleted' } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      await deleteRelationship(deps, actor(req), params.relationshipId);
      res.status(204).end();
    },
  );
}
