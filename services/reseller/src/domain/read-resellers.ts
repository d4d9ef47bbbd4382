// Admin reads of resellers: one by id, or a filtered page.
import type { Page } from '@runfleet/contracts';
import { findReseller, listResellers as queryResellers, type ResellerListFilters, type ResellerRecord } from '../data/reseller.repository';
import { requireRole, type Actor } from './actor';
import { notFound } from './not-found';
import type { UseCaseDeps } from './use-case-deps';

export async function getReseller(deps: UseCaseDeps, actor: Actor, resellerId: string): Promise<ResellerRecord> {
  requireRole(actor, 'admin');
  const reseller = await findReseller(deps.prisma, resellerId);
  if (!reseller) throw notFound.reseller();
  return reseller;
}

export async function listResellers(deps: UseCaseDeps, actor: Actor, filters: ResellerListFilters): Promise<Page<ResellerRecord>> {
  requireRole(actor, 'admin');
  return queryResellers(deps.prisma, filters);
}
