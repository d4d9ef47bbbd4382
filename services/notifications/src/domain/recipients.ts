// Who hears an event (issue 17 item 1), read from the ids the event's data carries so the fan-out
// never waits for the read model: the customer it concerns and that customer's reseller; a
// reseller's own money (commission, payouts, commission invoices, its wallet) to the reseller;
// runner.offline to the customer owning the runner (nobody for a shared runner: only admins run
// those, and admins have no feed or mailbox here); a webhook endpoint's warnings to its owner.
import type { Recipient } from './account-notification';

export type RecipientRole =
  /** the account the event is about */
  | 'subject'
  /** the reseller of the customer the event is about */
  | 'reseller-copy';

export interface ResolvedRecipient {
  recipient: Recipient;
  role: RecipientRole;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);

const customer = (id: string): ResolvedRecipient => ({ recipient: { accountType: 'customer', accountId: id }, role: 'subject' });
const reseller = (id: string, role: RecipientRole = 'subject'): ResolvedRecipient => ({ recipient: { accountType: 'reseller', accountId: id }, role });

/** A customer's event: the customer, and its reseller (when it has one). */
function customerAndReseller(data: Record<string, unknown>): ResolvedRecipient[] {
  const customerId = str(data.customerId);
  if (!customerId) return [];
  const resellerId = str(data.resellerId);
  return resellerId ? [customer(customerId), reseller(resellerId, 'reseller-copy')] : [customer(customerId)];
}

export function recipientsOf(type: string, data: Record<string, unknown>): ResolvedRecipient[] {
  if (type.startsWith('webhook.')) {
    const accountId = str(data.accountId);
    const accountType = data.accountType;
    if (!accountId || (accountType !== 'customer' && accountType !== 'reseller')) return [];
    return [{ recipient: { accountType, accountId }, role: 'subject' }];
  }
  if (type === 'runner.offline') {
    const customerId = str(data.customerId);
    return customerId ? [customer(customerId)] : [];
  }
  if (type === 'commission.earned' || type.startsWith('payout.')) {
    const resellerId = str(data.resellerId);
    return resellerId ? [reseller(resellerId)] : [];
  }
  if (type === 'invoice.issued' && data.kind === 'commission') {
    const resellerId = str(data.resellerId);
    return resellerId ? [reseller(resellerId)] : [];
  }
  if (type.startsWith('wallet.') && data.ownerType === 'reseller') {
    const resellerId = str(data.resellerId);
    return resellerId ? [reseller(resellerId)] : [];
  }
  return customerAndReseller(data);
}

/** How `recipient` hears the event `type` with `data`, or undefined when it does not hear it at all. */
export function roleOf(type: string, data: Record<string, unknown>, recipient: Recipient): RecipientRole | undefined {
  return recipientsOf(type, data).find(
    (r) => r.recipient.accountType === recipient.accountType && r.recipient.accountId === recipient.accountId,
  )?.role;
}
