// Projects (DESIGN.md §2): a customer creates, lists, renames and archives its own; its reseller
// may do the same on its behalf (for its own customers only); admins all. Archived projects accept
// no new jobs (project.archived tells the registry) and can no longer be renamed.
import type { Page } from '@runfleet/contracts';
import { AppError } from '@runfleet/service-kit';
import { findCustomer } from '../data/customer.repository';
import { emitEvents, event } from '../data/outbox.repository';
import {
  findProject,
  insertProject,
  listProjects as queryProjects,
  lockProject,
  updateProject,
  type ProjectListFilters,
  type ProjectRecord,
} from '../data/project.repository';
import type { Actor } from './actor';
import { customerScopeOf } from './customer-scope';
import { notFound } from './not-found';
import type { UseCaseDeps } from './use-case-deps';

export type ProjectStatus = 'active' | 'archived';
export const projectStatus = (project: Pick<ProjectRecord, 'archivedAt'>): ProjectStatus =>
  project.archivedAt === null ? 'active' : 'archived';

function fieldError(field: string, message: string, detail: string): AppError {
  return AppError.badRequest('VALIDATION_FAILED', detail, { errors: [{ field, message }] });
}

/** A customer acts for itself (and may not name a customer); resellers and admins must name one. */
function targetCustomerId(actor: Actor, customerId: string | undefined, field: string): string {
  if (actor.type === 'customer') {
    if (customerId !== undefined) throw fieldError(field, 'may not be set by a customer', 'A customer acts on its own projects.');
    return actor.id;
  }
  if (customerId === undefined) throw fieldError(field, 'is required', `A ${actor.type} names the customer it acts for.`);
  return customerId;
}

export async function createProject(
  deps: UseCaseDeps,
  actor: Actor,
  input: { name: string; customerId?: string },
): Promise<ProjectRecord> {
  const customerId = targetCustomerId(actor, input.customerId, 'body.customerId');
  return deps.prisma.$transaction(async (tx) => {
    const customer = await findCustomer(tx, customerScopeOf(actor), customerId);
    if (!customer) throw notFound.customer();
    if (!customer.active) throw AppError.conflict('CUSTOMER_INACTIVE', 'The customer is deactivated; reactivate it first.');
    const project = await insertProject(tx, { customerId, name: input.name });
    await emitEvents(tx, [
      event('project.created', { projectId: project.id, customerId, resellerId: project.resellerId, name: project.name }),
    ]);
    return project;
  });
}

export async function getProject(deps: UseCaseDeps, actor: Actor, projectId: string): Promise<ProjectRecord> {
  const project = await findProject(deps.prisma, customerScopeOf(actor), projectId);
  if (!project) throw notFound.project();
  return project;
}

export async function listProjects(deps: UseCaseDeps, actor: Actor, filters: ProjectListFilters): Promise<Page<ProjectRecord>> {
  if (actor.type === 'customer' && filters.customerId !== undefined) {
    throw fieldError('query.customerId', 'may not be set by a customer', 'A customer lists its own projects.');
  }
  if (actor.type !== 'admin' && filters.resellerId !== undefined) {
    throw fieldError('query.resellerId', 'is for admins only', 'Only admins filter by reseller.');
  }
  return queryProjects(deps.prisma, customerScopeOf(actor), filters);
}

export async function renameProject(deps: UseCaseDeps, actor: Actor, projectId: string, name: string): Promise<ProjectRecord> {
  return deps.prisma.$transaction(async (tx) => {
    const project = await lockProject(tx, customerScopeOf(actor), projectId);
    if (!project) throw notFound.project();
    if (project.archivedAt !== null) {
      throw AppError.conflict('PROJECT_ARCHIVED', 'The project is archived; an archived project cannot be renamed.');
    }
    if (project.name === name) return project;
    return updateProject(tx, projectId, { name });
  });
}

export async function archiveProject(deps: UseCaseDeps, actor: Actor, projectId: string): Promise<ProjectRecord> {
  return deps.prisma.$transaction(async (tx) => {
    const project = await lockProject(tx, customerScopeOf(actor), projectId);
    if (!project) throw notFound.project();
    if (project.archivedAt !== null) {
      throw AppError.conflict(
        'PROJECT_ALREADY_ARCHIVED',
        `The project's status is archived (since ${project.archivedAt.toISOString()}); only an active project can be archived.`,
      );
    }
    const archived = await updateProject(tx, projectId, { archivedAt: deps.now() });
    await emitEvents(tx, [
      event('project.archived', {
        projectId: archived.id,
        customerId: archived.customerId,
        resellerId: archived.resellerId,
        name: archived.name,
      }),
    ]);
    return archived;
  });
}
