// The marketplace (DESIGN.md §2): the offerings a customer can buy, priced as it would pay them.
// A reseller's customer sees the active offerings of providers its reseller resells through an
// ACTIVE relationship, at base price + the relationship's commission; a direct customer sees every
// active offering at base price. A reseller may look at its customers' marketplace. Each offering
// names the reseller that sells it (null for a direct customer): the badge a customer sees (issue 19).
import type { Page } from '@runfleet/contracts';
import { AppError } from '@runfleet/service-kit';
import { findCustomer } from '../data/customer.repository';
import { findMarketplaceRow, listMarketplaceRows, type MarketplaceFilters, type MarketplaceRow } from '../data/offering.repository';
import type { Db } from '../db';
import { requireRole, type Actor } from './actor';
import { unitPrice, type UnitPrice } from './marketplace-price';
import { notFound } from './not-found';
import type { UseCaseDeps } from './use-case-deps';

export type MarketplaceOffering = MarketplaceRow & { price: UnitPrice };

export interface Buyer {
  customerId: string;
  resellerId: string | null;
  currency: string;
}

/** The customer behind a customer principal, read from the database (its reseller, its currency). */
export async function loadBuyer(db: Db, customerId: string): Promise<Buyer> {
  const customer = await findCustomer(db, { customerId }, customerId);
  if (!customer) throw notFound.customer();
  if (!customer.active) throw AppError.forbidden('CUSTOMER_INACTIVE', 'This customer is deactivated and cannot shop.');
  return { customerId: customer.id, resellerId: customer.resellerId, currency: customer.currency };
}

export function priced(row: MarketplaceRow): MarketplaceOffering {
  return { ...row, price: unitPrice(row.offering.basePriceMicros, row.commissionBps) };
}

export async function listMarketplace(
  deps: UseCaseDeps,
  actor: Actor,
  filters: Omit<MarketplaceFilters, 'resellerId'>,
): Promise<Page<MarketplaceOffering>> {
  requireRole(actor, 'customer', 'reseller');
  const resellerId = actor.type === 'reseller' ? actor.id : (await loadBuyer(deps.prisma, actor.id)).resellerId;
  const page = await listMarketplaceRows(deps.prisma, { ...filters, resellerId });
  return { items: page.items.map(priced), nextCursor: page.nextCursor };
}

/** One offering of the caller's marketplace, or null when it is not in it (missing, inactive, not resold). */
export async function findMarketplaceOffering(db: Db, offeringId: string, resellerId: string | null): Promise<MarketplaceOffering | null> {
  const row = await findMarketplaceRow(db, offeringId, resellerId);
  return row ? priced(row) : null;
}
