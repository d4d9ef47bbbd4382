// The audit log as callers read it: admins everything, a reseller what is filed under it, customers nothing.
import type { Page } from '@runfleet/contracts';
import { AppError } from '@runfleet/service-kit';
import { listAuditEvents as queryAuditEvents, type AuditEventRecord, type AuditFilters } from '../data/audit.repository';
import { requireRole, type Actor } from './actor';
import type { UseCaseDeps } from './use-case-deps';

export async function listAuditEvents(deps: UseCaseDeps, actor: Actor, filters: AuditFilters): Promise<Page<AuditEventRecord>> {
  requireRole(actor, 'admin', 'reseller');
  if (actor.type === 'reseller') {
    if (filters.resellerId !== undefined) {
      throw AppError.badRequest('VALIDATION_FAILED', 'A reseller reads its own audit log only.', {
        errors: [{ field: 'query.resellerId', message: 'is for admins only' }],
      });
    }
    return queryAuditEvents(deps.prisma, { ...filters, resellerId: actor.id });
  }
  return queryAuditEvents(deps.prisma, filters);
}
