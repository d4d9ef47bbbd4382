// Commissions as each actor may see them (issue 16 items 1, 4; DESIGN.md §7): an admin every
// reseller's (or one's, by filter), a reseller only its own; customers none. Another reseller's
// commission answers 404, like a missing one.
import type { Page } from '@runfleet/contracts';
import { findCommission, listCommissions as listRows, type CommissionListFilters, type CommissionRecord } from '../data/commission.repository';
import { requireRole, type Actor } from './actor';
import { commissionNotFound } from './approve-commissions';
import type { UseCaseDeps } from './use-case-deps';

export type CommissionQuery = Omit<CommissionListFilters, 'resellerId'> & { resellerId?: string };

export async function listCommissions(deps: UseCaseDeps, actor: Actor, query: CommissionQuery): Promise<Page<CommissionRecord>> {
  requireRole(actor, 'admin', 'reseller');
  // a reseller's own filter is its id whatever it asks (another id lists nothing)
  if (actor.type === 'reseller' && query.resellerId !== undefined && query.resellerId !== actor.id) return { items: [], nextCursor: null };
  const resellerId = actor.type === 'reseller' ? actor.id : (query.resellerId ?? null);
  return listRows(deps.prisma, { ...query, resellerId });
}

export async function getCommission(deps: UseCaseDeps, actor: Actor, commissionId: string): Promise<CommissionRecord> {
  requireRole(actor, 'admin', 'reseller');
  const commission = await findCommission(deps.prisma, commissionId);
  if (!commission || (actor.type === 'reseller' && commission.resellerId !== actor.id)) throw commissionNotFound();
  return commission;
}
