// Reading wallets and their ledger (issue 15 items 1, 2): each actor sees only the wallets its scope
// allows; a wallet outside it answers like a missing one.
import type { Page } from '@runfleet/contracts';
import { listEntries, type EntryRecord, type EntryType } from '../data/ledger.repository';
import { findWallet, listWallets as listWalletRows, type CreditStatus, type OwnerType, type WalletRecord } from '../data/wallet.repository';
import type { Actor } from './actor';
import { billingNotFound } from './billing-errors';
import type { UseCaseDeps } from './use-case-deps';
import { walletScopeOf } from './wallet-scope';

export async function getWallet(deps: UseCaseDeps, actor: Actor, walletId: string): Promise<WalletRecord> {
  const wallet = await findWallet(deps.prisma, walletId, walletScopeOf(actor));
  if (!wallet) throw billingNotFound.wallet();
  return wallet;
}

export interface WalletListQuery {
  ownerType?: OwnerType;
  ownerId?: string;
  creditStatus?: CreditStatus;
  cursor?: string;
  limit: number;
}

export function listWallets(deps: UseCaseDeps, actor: Actor, query: WalletListQuery): Promise<Page<WalletRecord>> {
  return listWalletRows(deps.prisma, { ...query, scope: walletScopeOf(actor) });
}

export interface TransactionQuery {
  types?: EntryType[];
  from?: Date;
  to?: Date;
  cursor?: string;
  limit: number;
}

export async function listTransactions(deps: UseCaseDeps, actor: Actor, walletId: string, query: TransactionQuery): Promise<Page<EntryRecord>> {
  await getWallet(deps, actor, walletId);
  return listEntries(deps.prisma, { ...query, walletId });
}
