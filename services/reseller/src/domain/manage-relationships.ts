// A reseller starts, changes, suspends and ends reselling a provider (DESIGN.md §2 "Reseller
// relationship"): one relationship per (reseller, provider), commission 0–50 % (0–5000 bps,
// DESIGN.md §10). Every change is audited; commission changes say from what to what.
import { AppError } from '@runfleet/service-kit';
import { recordAudit } from '../data/audit.repository';
import { isUniqueViolation } from '../data/database-errors';
import { findProvider } from '../data/provider.repository';
import {
  deleteRelationship as removeRow,
  insertRelationship,
  listRelationships,
  lockRelationship,
  updateRelationship as writeRelationship,
  type RelationshipChanges,
  type RelationshipRecord,
} from '../data/relationship.repository';
import { findReseller } from '../data/reseller.repository';
import type { Db } from '../db';
import { requireRole, type Actor } from './actor';
import { commerceNotFound, fieldError } from './commerce-errors';
import { notFound } from './not-found';
import type { UseCaseDeps } from './use-case-deps';

export interface NewRelationshipInput {
  providerId: string;
  commissionBps: number;
  /** admins name the reseller; a reseller's own id comes from its credentials */
  resellerId?: string;
}

/** A reseller reaches its own relationships; an admin all of them. */
function scopeOf(actor: Actor): { resellerId?: string } {
  return actor.type === 'reseller' ? { resellerId: actor.id } : {};
}

function audit(db: Db, actor: Actor, relationship: RelationshipRecord, action: string, details: Record<string, unknown>) {
  return recordAudit(db, {
    actorType: actor.type,
    actorId: actor.id,
    action,
    targetType: 'relationship',
    targetId: relationship.id,
    details: { providerId: relationship.providerId, ...details },
    resellerId: relationship.resellerId,
  });
}

export async function createRelationship(deps: UseCaseDeps, actor: Actor, input: NewRelationshipInput): Promise<RelationshipRecord> {
  requireRole(actor, 'admin', 'reseller');
  let resellerId: string;
  if (actor.type === 'reseller') {
    if (input.resellerId !== undefined) throw fieldError('body.resellerId', 'is set from your credentials; a reseller may not set it');
    resellerId = actor.id;
  } else {
    if (input.resellerId === undefined) throw fieldError('body.resellerId', 'is required when an admin creates a relationship');
    resellerId = input.resellerId;
    if (!(await findReseller(deps.prisma, resellerId))) throw notFound.reseller();
  }
  // Only active providers are offered for resale.
  if (!(await findProvider(deps.prisma, input.providerId, { activeOnly: true }))) throw commerceNotFound.provider();
  try {
    return await deps.prisma.$transaction(async (tx) => {
      const relationship = await insertRelationship(tx, { resellerId, providerId: input.providerId, commissionBps: input.commissionBps });
      await audit(tx, actor, relationship, 'relationship.created', { commissionBps: relationship.commissionBps });
      return relationship;
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    // The unique index decided, so two concurrent creates cannot both succeed.
    const existing = await listRelationships(deps.prisma, { resellerId, providerId: input.providerId, limit: 1 });
    const id = existing.items[0]?.id;
    throw AppError.conflict(
      'RELATIONSHIP_EXISTS',
      `This reseller already has a relationship with this provider${id ? ` (${id})` : ''}; change it with PATCH instead.`,
    );
  }
}

export async function updateRelationship(
  deps: UseCaseDeps,
  actor: Actor,
  relationshipId: string,
  changes: RelationshipChanges,
): Promise<RelationshipRecord> {
  requireRole(actor, 'admin', 'reseller');
  return deps.prisma.$transaction(async (tx) => {
    const before = await lockRelationship(tx, relationshipId, scopeOf(actor));
    if (!before) throw commerceNotFound.relationship();
    const commissionChanged = changes.commissionBps !== undefined && changes.commissionBps !== before.commissionBps;
    const statusChanged = changes.status !== undefined && changes.status !== before.status;
    // Re-sending the current values is a no-op: no write, no audit entry.
    if (!commissionChanged && !statusChanged) return before;
    const after = await writeRelationship(tx, relationshipId, {
      ...(commissionChanged ? { commissionBps: changes.commissionBps } : {}),
      ...(statusChanged ? { status: changes.status } : {}),
    });
    if (commissionChanged) {
      await audit(tx, actor, after, 'relationship.commission_changed', { from: before.commissionBps, to: after.commissionBps });
    }
    if (statusChanged) {
      await audit(tx, actor, after, after.status === 'suspended' ? 'relationship.suspended' : 'relationship.reactivated', {});
    }
    return after;
  });
}

/** Ends a relationship: its provider's offerings leave the marketplace of the reseller's customers; orders keep their prices. */
export async function deleteRelationship(deps: UseCaseDeps, actor: Actor, relationshipId: string): Promise<void> {
  requireRole(actor, 'admin', 'reseller');
  await deps.prisma.$transaction(async (tx) => {
    const relationship = await lockRelationship(tx, relationshipId, scopeOf(actor));
    if (!relationship) throw commerceNotFound.relationship();
    await removeRow(tx, relationshipId);
    await audit(tx, actor, relationship, 'relationship.deleted', { commissionBps: relationship.commissionBps });
  });
}
