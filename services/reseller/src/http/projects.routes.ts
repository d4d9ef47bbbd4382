// /v1/projects: a customer's projects, managed by the customer, its reseller on its behalf, or admins.
import { z } from 'zod';
import { pageSchema } from '@runfleet/contracts';
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import type { ProjectRecord } from '../data/project.repository';
import { actorOf } from '../domain/actor';
import { archiveProject, createProject, getProject, listProjects, projectStatus, renameProject } from '../domain/projects';
import type { UseCaseDeps } from '../domain/use-case-deps';
import {
  EXAMPLE_IDS,
  EXAMPLE_TIME,
  idParams,
  iso,
  isoOrNull,
  listQuery,
  nameSchema,
  nullableTimestampSchema,
  searchQuery,
  timestampSchema,
} from './common.schemas';

export const projectSchema = z
  .object({
    id: z.uuid(),
    customerId: z.uuid(),
    resellerId: z.uuid().nullable().meta({ description: "the customer's reseller; null for a direct customer" }),
    name: z.string(),
    status: z.enum(['active', 'archived']),
    archivedAt: nullableTimestampSchema,
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({
    example: {
      id: EXAMPLE_IDS.project,
      customerId: EXAMPLE_IDS.customer,
      resellerId: EXAMPLE_IDS.reseller,
      name: 'render farm',
      status: 'active',
      archivedAt: null,
      createdAt: EXAMPLE_TIME,
      updatedAt: EXAMPLE_TIME,
    },
  });

export const projectJson = (p: ProjectRecord): z.infer<typeof projectSchema> => ({
  id: p.id,
  customerId: p.customerId,
  resellerId: p.resellerId,
  name: p.name,
  status: projectStatus(p),
  archivedAt: isoOrNull(p.archivedAt),
  createdAt: iso(p.createdAt),
  updatedAt: iso(p.updatedAt),
});

const customerIdField = z
  .uuid()
  .optional()
  .meta({ description: 'resellers and admins: the customer acted for (a customer may not set it)', example: EXAMPLE_IDS.customer });

const createProjectBody = z
  .strictObject({ name: nameSchema.meta({ example: 'render farm' }), customerId: customerIdField })
  .meta({ example: { name: 'render farm' } });

const renameProjectBody = z
  .strictObject({ name: nameSchema.meta({ example: 'render farm (EU)' }) })
  .meta({ example: { name: 'render farm (EU)' } });

const projectParams = idParams('projectId', EXAMPLE_IDS.project);

export function registerProjectRoutes(api: ApiRoutes, deps: UseCaseDeps): void {
  const actor = (req: Parameters<typeof principalFromRequest>[0]) => actorOf(principalFromRequest(req));

  api.route(
    {
      method: 'post',
      path: '/v1/projects',
      summary: 'Create a project',
      description:
        'A customer creates its own; its reseller (for its own customers) and admins name `customerId`. Emits project.created.',
      tags: ['projects'],
      request: { body: createProjectBody },
      responses: { 201: { description: 'The new project', schema: projectSchema } },
      errors: [403, 404, 409],
      idempotencyKey: 'optional',
    },
    async ({ body }, req, res) => {
      res.status(201).json(projectJson(await createProject(deps, actor(req), body)));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/projects',
      summary: 'List projects',
      description: 'A customer its own, a reseller its customers’ (filter with customerId), admins all. Newest first.',
      tags: ['projects'],
      request: {
        query: listQuery({
          customerId: customerIdField,
          resellerId: z.uuid().optional().meta({ description: 'admins only', example: EXAMPLE_IDS.reseller }),
          status: z.enum(['active', 'archived']).optional().meta({ example: 'active' }),
          q: searchQuery,
        }),
      },
      responses: { 200: { description: 'A page of projects', schema: pageSchema(projectSchema) } },
      errors: [403],
    },
    async ({ query }, req, res) => {
      const page = await listProjects(deps, actor(req), query);
      res.json({ items: page.items.map(projectJson), nextCursor: page.nextCursor });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/projects/:projectId',
      summary: 'Get a project',
      tags: ['projects'],
      request: { params: projectParams },
      responses: { 200: { description: 'The project', schema: projectSchema } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      res.json(projectJson(await getProject(deps, actor(req), params.projectId)));
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/v1/projects/:projectId',
      summary: 'Rename a project',
      description: 'An archived project cannot be renamed (409 PROJECT_ARCHIVED).',
      tags: ['projects'],
      request: { params: projectParams, body: renameProjectBody },
      responses: { 200: { description: 'The renamed project', schema: projectSchema } },
      errors: [403, 404, 409],
    },
    async ({ params, body }, req, res) => {
      res.json(projectJson(await renameProject(deps, actor(req), params.projectId, body.name)));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/projects/:projectId/archive',
      summary: 'Archive a project',
      description: 'No new jobs are accepted in it afterwards. Emits project.archived; archiving twice is 409 naming the status.',
      tags: ['projects'],
      request: { params: projectParams },
      responses: { 200: { description: 'The archived project', schema: projectSchema } },
      errors: [403, 404, 409],
    },
    async ({ params }, req, res) => {
      res.json(projectJson(await archiveProject(deps, actor(req), params.projectId)));
    },
  );
}
