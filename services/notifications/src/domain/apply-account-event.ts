// The read model of accounts (issue 17 item 1): who can be told, from the reseller service's
// customer.* and reseller.* events — contact email, name, active flag, a customer's reseller. The
// events carry no language; every account reads English until they do. Called inside the inbox
// transaction, so a redelivered event changes nothing.
import type { EventData } from '@runfleet/contracts';
import { insertAccountIfMissing, saveAccount } from '../data/account.repository';
import type { Db } from '../db';

export type AccountEvent =
  | { type: 'customer.created'; data: EventData<'customer.created'> }
  | { type: 'customer.updated'; data: EventData<'customer.updated'> }
  | { type: 'reseller.created'; data: EventData<'reseller.created'> }
  | { type: 'reseller.updated'; data: EventData<'reseller.updated'> };

export async function applyAccountEvent(tx: Db, event: AccountEvent, now: Date): Promise<void> {
  switch (event.type) {
    case 'customer.created': {
      const { customerId, resellerId, email, name } = event.data;
      await insertAccountIfMissing(tx, { accountType: 'customer', accountId: customerId, resellerId, email, name, active: true });
      return;
    }
    case 'customer.updated': {
      const { customerId, resellerId, email, name, active } = event.data;
      await saveAccount(tx, { accountType: 'customer', accountId: customerId, resellerId, email, name, active }, now);
      return;
    }
    case 'reseller.created': {
      const { resellerId, email, name } = event.data;
      await insertAccountIfMissing(tx, { accountType: 'reseller', accountId: resellerId, resellerId: null, email, name, active: true });
      return;
    }
    case 'reseller.updated': {
      const { resellerId, email, name, active } = event.data;
      await saveAccount(tx, { accountType: 'reseller', accountId: resellerId, resellerId: null, email, name, active }, now);
      return;
    }
  }
}
