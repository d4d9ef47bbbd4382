// Payouts as each actor may see them (issue 16 item 3; DESIGN.md §7): an admin every reseller's (or
// one's, by filter), a reseller only its own — another's answers 404, like a missing one; customers none.
import type { Page } from '@runfleet/contracts';
import { findPayout, listPayouts as listRows, type PayoutRecord, type PayoutStatus } from '../data/payout.repository';
import { requireRole, type Actor } from './actor';
import { payoutNotFound } from './settle-payout';
import type { UseCaseDeps } from './use-case-deps';

export async function listPayouts(
  deps: UseCaseDeps,
  actor: Actor,
  query: { resellerId?: string; status?: PayoutStatus; cursor?: string; limit: number },
): Promise<Page<PayoutRecord>> {
  requireRole(actor, 'admin', 'reseller');
  if (actor.type === 'reseller' && query.resellerId !== undefined && query.resellerId !== actor.id) return { items: [], nextCursor: null };
  return listRows(deps.prisma, { ...query, resellerId: actor.type === 'reseller' ? actor.id : (query.resellerId ?? null) });
}

export async function getPayout(deps: UseCaseDeps, actor: Actor, payoutId: string): Promise<PayoutRecord> {
  requireRole(actor, 'admin', 'reseller');
  const payout = await findPayout(deps.prisma, payoutId);
  if (!payout || (actor.type === 'reseller' && payout.resellerId !== actor.id)) throw payoutNotFound();
  return payout;
}
