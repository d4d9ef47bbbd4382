// The email channel (issue 17 item 5): decides whether a notification is mailed to its recipient
// and, if so, records one send row in the consumer's transaction; the sender loop
// (domain/send-emails.ts) mails it after the commit. Mailed: kinds worth an inbox, to the account
// they concern (a reseller's copy of its customer's event only for the kinds that ask it to act),
// unless the recipient turned the category off; security mail always.
import { insertEmailSend } from '../data/email-send.repository';
import { wantsEmail } from '../data/preference.repository';
import type { Prisma } from '../db';
import type { AccountNotification, NotificationChannel } from './account-notification';
import { kindOf } from './notification-kinds';
import { roleOf } from './recipients';

export async function shouldMail(tx: Prisma.TransactionClient, n: AccountNotification): Promise<boolean> {
  const kind = kindOf(n.type);
  if (!kind?.email) return false;
  if (kind.security) return true;
  const role = roleOf(n.type, n.data, n.recipient);
  if (role === undefined || (role === 'reseller-copy' && !kind.mailResellerCopy)) return false;
  return wantsEmail(tx, n.recipient, kind.category);
}

export function emailChannel(): NotificationChannel {
  return {
    name: 'email',
    async deliver(tx, n) {
      if (!(await shouldMail(tx, n))) return;
      await insertEmailSend(tx, n.eventId, n.recipient, n.type, { type: n.type, occurredAt: n.occurredAt, data: n.data } as Prisma.InputJsonValue);
    },
  };
}
