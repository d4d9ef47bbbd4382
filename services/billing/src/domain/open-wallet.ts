// customer.created → the customer's wallet in its currency; reseller.created → the reseller's
// commission wallet (DESIGN.md §2 "billing"; issue 15 item 1). Opening twice changes nothing.
import type { EventData } from '@runfleet/contracts';
import { openWallet } from '../data/wallet.repository';
import type { Db } from '../db';

export function openCustomerWallet(tx: Db, customer: EventData<'customer.created'>): Promise<boolean> {
  return openWallet(tx, { ownerType: 'customer', ownerId: customer.customerId, resellerId: customer.resellerId, currency: customer.currency });
}

export function openResellerWallet(tx: Db, reseller: EventData<'reseller.created'>): Promise<boolean> {
  return openWallet(tx, { ownerType: 'reseller', ownerId: reseller.resellerId, resellerId: reseller.resellerId, currency: reseller.currency });
}
