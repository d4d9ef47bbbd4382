// What wallets an actor may see and credit (issue 15 item 1): admins all; a reseller its customers'
// and its own; a customer its own.
import type { WalletRecord, WalletScope } from '../data/wallet.repository';
import type { Actor } from './actor';

export function walletScopeOf(actor: Actor): WalletScope {
  if (actor.type === 'admin') return { all: true };
  if (actor.type === 'reseller') return { resellerId: actor.id };
  return { customerId: actor.id };
}

/** Top-ups: an admin any wallet, a reseller its customers' wallets (not its own earnings). */
export function mayCredit(actor: Actor, wallet: Pick<WalletRecord, 'ownerType' | 'resellerId'>): boolean {
  if (actor.type === 'admin') return true;
  return actor.type === 'reseller' && wallet.ownerType === 'customer' && wallet.resellerId === actor.id;
}
