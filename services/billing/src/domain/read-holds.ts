// Reading holds (DESIGN.md §10 "Holds"): each actor sees the holds on the wallets it may see; a
// hold outside them answers like a missing one.
import type { Page } from '@runfleet/contracts';
import { AppError } from '@runfleet/service-kit';
import { findHold, listHolds as listHoldRows, type HoldRecord, type HoldStatus } from '../data/hold.repository';
import type { Actor } from './actor';
import type { UseCaseDeps } from './use-case-deps';
import { walletScopeOf } from './wallet-scope';

export interface HoldListQuery {
  walletId?: string;
  status?: HoldStatus;
  cursor?: string;
  limit: number;
}

export function listHolds(deps: UseCaseDeps, actor: Actor, query: HoldListQuery): Promise<Page<HoldRecord>> {
  return listHoldRows(deps.prisma, { ...query, scope: walletScopeOf(actor) });
}

export async function getHold(deps: UseCaseDeps, actor: Actor, holdId: string): Promise<HoldRecord> {
  const hold = await findHold(deps.prisma, holdId, walletScopeOf(actor));
  if (!hold) throw AppError.notFound('HOLD_NOT_FOUND', 'There is no hold with this id.');
  return hold;
}
