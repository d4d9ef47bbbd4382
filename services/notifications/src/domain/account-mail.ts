// Account mail (issue 19; DESIGN.md §2 "User"): the reseller service's user.* events become mail to
// the address the event names, not to an account of the read model — the verification, password
// reset and invitation links into the console, and the password-changed and locked-out security
// mails, which no preference turns off. The one-time token travels sealed (service-kit SealedBox
// under its own key, associated data the userId) and stays sealed in the send row: it is opened
// only while the mail is rendered, so no database row, log line or dead letter of notifications
// ever holds it in clear (DESIGN.md §7).
import { consumerQueue, type EventData } from '@runfleet/contracts';
import { SealedBox, sealingKey } from '@runfleet/service-kit';
import { insertEmailSend } from '../data/email-send.repository';
import type { Prisma } from '../db';

export const ACCOUNT_MAIL_EVENTS = consumerQueue('notifications', 'account-mail').events;
export type AccountMailEvent = (typeof ACCOUNT_MAIL_EVENTS)[number];

/** The console page each link opens (`${CONSOLE_URL}/<page>?token=…`); the security mails have none. */
const LINK_PAGES: Readonly<Partial<Record<AccountMailEvent, string>>> = {
  'user.email_verification_requested': 'verify',
  'user.password_reset_requested': 'reset',
  'user.invited': 'invite',
};

export function isAccountMail(type: string): type is AccountMailEvent {
  return (ACCOUNT_MAIL_EVENTS as readonly string[]).includes(type);
}

/** The key every producer and notifications agree on (issue 19 contract). */
export function accountMailBox(principalSecret: string): SealedBox {
  return new SealedBox(sealingKey(principalSecret, 'runfleet', 'account-mail-token'));
}

export type AccountMailLink =
  | { link: string | null }
  /** nothing is to be sent: why, never the token */
  | { refused: string; outcome: 'skipped' | 'failed' };

/** Opens sealed one-time tokens and writes them into console links. */
export class AccountMailLinks {
  private readonly consoleUrl: string;

  constructor(
    private readonly box: SealedBox,
    consoleUrl: string,
  ) {
    this.consoleUrl = consoleUrl.replace(/\/+$/, '');
  }

  /** Whether the event's sealed token (if it carries one) opens for its user; the consumer dead-letters one that does not. */
  opens(data: { userId: string; sealedToken?: string }): boolean {
    return data.sealedToken === undefined || this.box.open(data.sealedToken, data.userId) !== undefined;
  }

  /**
   * The link the mail of `type` carries (null: a security mail, which has none), or why it is not
   * sent: the token no longer opens (the key changed since it was recorded), or it expired while
   * the mail waited (a dead link is no use; the person asks again).
   */
  linkFor(type: AccountMailEvent, data: Record<string, unknown>, now: Date): AccountMailLink {
    const page = LINK_PAGES[type];
    if (!page) return { link: null };
    const expiresAt = typeof data.expiresAt === 'string' ? Date.parse(data.expiresAt) : NaN;
    if (!(expiresAt > now.getTime())) return { refused: 'the link expired before it could be sent', outcome: 'skipped' };
    const token = typeof data.sealedToken === 'string' && typeof data.userId === 'string' ? this.box.open(data.sealedToken, data.userId) : undefined;
    if (!token) return { refused: 'the sealed token does not open', outcome: 'failed' };
    const url = new URL(`${this.consoleUrl}/${page}`);
    url.searchParams.set('token', token.toString('utf8'));
    return { link: url.toString() };
  }
}

/**
 * Records the mail of one user.* event in the consumer's transaction: one send row per event (a
 * redelivery writes nothing), addressed to the event's email, the token still sealed in it.
 */
export async function recordAccountMail(
  tx: Prisma.TransactionClient,
  envelope: { id: string; type: AccountMailEvent; occurredAt: string; data: EventData<AccountMailEvent> },
): Promise<void> {
  const { data } = envelope;
  await insertEmailSend(
    tx,
    envelope.id,
    { accountType: 'user', accountId: data.userId },
    envelope.type,
    { type: envelope.type, occurredAt: envelope.occurredAt, data } as Prisma.InputJsonValue,
    data.email,
  );
}
