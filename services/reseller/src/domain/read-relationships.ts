// Lists of reseller relationships: a reseller its own, an admin all (optionally one reseller's).
import type { Page } from '@runfleet/contracts';
import {
  findRelationship,
  listRelationships as queryRelationships,
  type RelationshipListFilters,
  type RelationshipRecord,
} from '../data/relationship.repository';
import { requireRole, type Actor } from './actor';
import { commerceNotFound, fieldError } from './commerce-errors';
import type { UseCaseDeps } from './use-case-deps';

export async function listRelationships(deps: UseCaseDeps, actor: Actor, filters: RelationshipListFilters): Promise<Page<RelationshipRecord>> {
  requireRole(actor, 'admin', 'reseller');
  if (actor.type === 'reseller') {
    if (filters.resellerId !== undefined) throw fieldError('query.resellerId', 'is for admins only', 'A reseller lists its own relationships only.');
    return queryRelationships(deps.prisma, { ...filters, resellerId: actor.id });
  }
  return queryRelationships(deps.prisma, filters);
}

export async function getRelationship(deps: UseCaseDeps, actor: Actor, relationshipId: string): Promise<RelationshipRecord> {
  requireRole(actor, 'admin', 'reseller');
  const relationship = await findRelationship(deps.prisma, relationshipId, actor.type === 'reseller' ? { resellerId: actor.id } : {});
  if (!relationship) throw commerceNotFound.relationship();
  return relationship;
}
