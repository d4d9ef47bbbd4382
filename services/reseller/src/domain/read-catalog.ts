// Reads of the catalog: admins see every provider and offering; a reseller sees the active ones
// (what it may resell), each provider with its own relationship to it, if any. Customers shop
// through the marketplace instead.
import type { Page } from '@runfleet/contracts';
import { findOffering, listOfferings as queryOfferings, type OfferingListFilters, type OfferingRecord } from '../data/offering.repository';
import {
  findProvider,
  findProviderForReseller,
  listProviders as queryProviders,
  listProvidersForReseller,
  type ProviderListFilters,
  type ProviderRecord,
  type ProviderWithRelationship,
} from '../data/provider.repository';
import { requireRole, type Actor } from './actor';
import { commerceNotFound } from './commerce-errors';
import type { UseCaseDeps } from './use-case-deps';

/** A provider as read: for a reseller with `relationship` (its own, or null); for an admin without. */
export type ProviderView = ProviderRecord | ProviderWithRelationship;

const EMPTY_PAGE = { items: [], nextCursor: null };

export async function listProviders(deps: UseCaseDeps, actor: Actor, filters: ProviderListFilters): Promise<Page<ProviderView>> {
  requireRole(actor, 'admin', 'reseller');
  if (actor.type === 'admin') return queryProviders(deps.prisma, filters);
  // Inactive providers are not for resale: asking a reseller's list for them finds none.
  if (filters.active === false) return EMPTY_PAGE;
  return listProvidersForReseller(deps.prisma, actor.id, { ...filters, active: true });
}

export async function getProvider(deps: UseCaseDeps, actor: Actor, providerId: string): Promise<ProviderView> {
  requireRole(actor, 'admin', 'reseller');
  const provider =
    actor.type === 'admin' ? await findProvider(deps.prisma, providerId) : await findProviderForReseller(deps.prisma, providerId, actor.id);
  if (!provider) throw commerceNotFound.provider();
  return provider;
}

export async function listOfferings(deps: UseCaseDeps, actor: Actor, filters: OfferingListFilters): Promise<Page<OfferingRecord>> {
  requireRole(actor, 'admin', 'reseller');
  const forReseller = actor.type === 'reseller';
  if (!(await findProvider(deps.prisma, filters.providerId, { activeOnly: forReseller }))) throw commerceNotFound.provider();
  return queryOfferings(deps.prisma, filters, { visibleToResellers: forReseller });
}

export async function getOffering(deps: UseCaseDeps, actor: Actor, offeringId: string): Promise<OfferingRecord> {
  requireRole(actor, 'admin', 'reseller');
  const offering = await findOffering(deps.prisma, offeringId, { visibleToResellers: actor.type === 'reseller' });
  if (!offering) throw commerceNotFound.offering();
  return offering;
}
