// Admin upkeep of the catalog (DESIGN.md §2 "External provider and its offerings"): create, change
// and remove providers and offerings. Removing something an order (or, for a provider, a
// reseller's relationship) points at deactivates it instead, so history keeps its references.
import { AppError } from '@runfleet/service-kit';
import { isForeignKeyViolation, isUniqueViolation } from '../data/database-errors';
import {
  deleteOffering,
  insertOffering,
  lockOffering,
  offeringIsOrdered,
  updateOffering as writeOffering,
  type NewOffering,
  type OfferingChanges,
  type OfferingRecord,
} from '../data/offering.repository';
import {
  deleteProviderWithOfferings,
  findProvider,
  insertProvider,
  lockProvider,
  providerIsReferenced,
  updateProvider as writeProvider,
  type NewProvider,
  type ProviderChanges,
  type ProviderRecord,
} from '../data/provider.repository';
import { requireRole, type Actor } from './actor';
import { commerceNotFound } from './commerce-errors';
import type { UseCaseDeps } from './use-case-deps';

/** What DELETE did: removed the row, or (still referenced) deactivated it. */
export type Removal<T> = { removed: true } | { removed: false; deactivated: T };

const nameTaken = (name: string) =>
  AppError.conflict('PROVIDER_NAME_TAKEN', `A provider named "${name}" already exists (names are compared ignoring case).`);

export async function createProvider(deps: UseCaseDeps, actor: Actor, input: NewProvider): Promise<ProviderRecord> {
  requireRole(actor, 'admin');
  try {
    return await insertProvider(deps.prisma, input);
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name);
    throw err;
  }
}

export async function updateProvider(deps: UseCaseDeps, actor: Actor, providerId: string, changes: ProviderChanges): Promise<ProviderRecord> {
  requireRole(actor, 'admin');
  try {
    return await deps.prisma.$transaction(async (tx) => {
      const before = await lockProvider(tx, providerId);
      if (!before) throw commerceNotFound.provider();
      if (Object.keys(changes).length === 0) return before;
      return writeProvider(tx, providerId, changes);
    });
  } catch (err) {
    if (isUniqueViolation(err) && changes.name !== undefined) throw nameTaken(changes.name);
    throw err;
  }
}

export async function removeProvider(deps: UseCaseDeps, actor: Actor, providerId: string): Promise<Removal<ProviderRecord>> {
  requireRole(actor, 'admin');
  try {
    const removed = await deps.prisma.$transaction(async (tx) => {
      // The row lock makes an order or relationship created meanwhile wait for this decision.
      const provider = await lockProvider(tx, providerId);
      if (!provider) throw commerceNotFound.provider();
      if (await providerIsReferenced(tx, providerId)) return false;
      await deleteProviderWithOfferings(tx, providerId);
      return true;
    });
    if (removed) return { removed: true };
  } catch (err) {
    if (!isForeignKeyViolation(err)) throw err;
  }
  const deactivated = await deps.prisma.$transaction(async (tx) => {
    const provider = await lockProvider(tx, providerId);
    if (!provider) throw commerceNotFound.provider();
    return provider.active ? writeProvider(tx, providerId, { active: false }) : provider;
  });
  return { removed: false, deactivated };
}

export async function createOffering(
  deps: UseCaseDeps,
  actor: Actor,
  providerId: string,
  input: Omit<NewOffering, 'providerId'>,
): Promise<OfferingRecord> {
  requireRole(actor, 'admin');
  if (!(await findProvider(deps.prisma, providerId))) throw commerceNotFound.provider();
  try {
    return await insertOffering(deps.prisma, { ...input, providerId });
  } catch (err) {
    // deleted between the check and the insert
    if (isForeignKeyViolation(err)) throw commerceNotFound.provider();
    throw err;
  }
}

export async function updateOffering(deps: UseCaseDeps, actor: Actor, offeringId: string, changes: OfferingChanges): Promise<OfferingRecord> {
  requireRole(actor, 'admin');
  return deps.prisma.$transaction(async (tx) => {
    const before = await lockOffering(tx, offeringId);
    if (!before) throw commerceNotFound.offering();
    if (Object.keys(changes).length === 0) return before;
    // Orders already placed keep the price they were placed at (frozen on the order).
    return writeOffering(tx, offeringId, changes);
  });
}

export async function removeOffering(deps: UseCaseDeps, actor: Actor, offeringId: string): Promise<Removal<OfferingRecord>> {
  requireRole(actor, 'admin');
  try {
    const removed = await deps.prisma.$transaction(async (tx) => {
      const offering = await lockOffering(tx, offeringId);
      if (!offering) throw commerceNotFound.offering();
      if (await offeringIsOrdered(tx, offeringId)) return false;
      await deleteOffering(tx, offeringId);
      return true;
    });
    if (removed) return { removed: true };
  } catch (err) {
    if (!isForeignKeyViolation(err)) throw err;
  }
  const deactivated = await deps.prisma.$transaction(async (tx) => {
    const offering = await lockOffering(tx, offeringId);
    if (!offering) throw commerceNotFound.offering();
    return offering.active ? writeOffering(tx, offeringId, { active: false }) : offering;
  });
  return { removed: false, deactivated };
}
