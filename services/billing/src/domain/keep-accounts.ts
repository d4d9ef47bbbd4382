// What billing keeps of each account (DESIGN.md §2 "billing"): customer.created opens the
// customer's wallet, reseller.created the reseller's commission wallet (issue 15 item 1), and all
// four account events keep the account's name and contact email for invoices (issue 16 follow-up),
// the newest event's winning (data/account.repository.ts).
import type { EventData } from '@runfleet/contracts';
import { keepAccount } from '../data/account.repository';
import type { Db } from '../db';
import { openCustomerWallet, openResellerWallet } from './open-wallet';

export type AccountEvent =
  | { type: 'customer.created'; data: EventData<'customer.created'> }
  | { type: 'customer.updated'; data: EventData<'customer.updated'> }
  | { type: 'reseller.created'; data: EventData<'reseller.created'> }
  | { type: 'reseller.updated'; data: EventData<'reseller.updated'> };

/** Applies one account event; `occurredAt` is its envelope's, which orders the name updates. */
export async function keepAccountOf(tx: Db, event: AccountEvent, occurredAt: Date): Promise<void> {
  switch (event.type) {
    case 'customer.created':
      await openCustomerWallet(tx, event.data);
      break;
    case 'reseller.created':
      await openResellerWallet(tx, event.data);
      break;
    default:
      break;
  }
  const ownerType = event.type.startsWith('customer.') ? 'customer' : 'reseller';
  const ownerId = 'customerId' in event.data ? event.data.customerId : event.data.resellerId;
  await keepAccount(tx, { ownerType, ownerId, name: event.data.name, email: event.data.email, asOf: occurredAt });
}
