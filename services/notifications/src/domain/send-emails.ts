// The email sender (issue 17 item 5): claims due send rows (each claim its own autocommitted
// statement, FOR UPDATE SKIP LOCKED, so replicas share the work), renders each in its account's
// language, mails it, and marks it sent. At most once per event and recipient, except that a crash
// between the mail leaving and the mark may send one again: a row found 'sending' when claimed was
// claimed before and not marked, and is counted as a resend. invoice.issued mail carries the
// invoice's PDF, read from billing at send time (domain/invoice-attachment.ts). Account mail
// (issue 19) goes to the address its row keeps, its one-time link opened and written in only now
// (domain/account-mail.ts).
import type { Logger } from '@runfleet/service-kit';
import { findAccount } from '../data/account.repository';
import { claimDueEmails, closeEmail, markEmailSent, retryEmailLater, type ClaimedEmail } from '../data/email-send.repository';
import type { Db } from '../db';
import { renderEmail, type RenderedEmail } from '../email/render';
import { isAccountMail, type AccountMailLinks } from './account-mail';
import { invoiceAttachment, isTransient, type Attachment, type InvoicePdfs } from './invoice-attachment';
import { kindOf } from './notification-kinds';

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** stable per send row, so a receiver can tell a resend from a new mail */
  messageId: string;
  headers: Record<string, string>;
  attachments?: Attachment[];
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<{ messageId: string | null }>;
}

export type SendOutcome = 'sent' | 'retry' | 'skipped' | 'failed';

export interface SendEmailsDeps {
  prisma: Db;
  mailer: Mailer;
  /** billing's invoice PDFs, attached to invoice.issued mail */
  invoicePdfs: InvoicePdfs;
  /** opens account mail's sealed tokens into console links */
  accountLinks: AccountMailLinks;
  from: string;
  now: () => Date;
  logger: Logger;
  /** how long a claimed row stays claimed before another sender may take it */
  leaseMs: number;
  /** attempts before a row is given up as failed */
  maxAttempts: number;
  /** first retry delay; doubled per attempt up to ten minutes */
  retryBaseMs: number;
  batchSize: number;
  /**
   * Mails in flight at once. A sender killed mid-send may repeat each mail it had in flight, so
   * this bounds the duplicates one crash can cause (R9: at most 5 over two kills).
   */
  concurrency: number;
  onOutcome?: (outcome: SendOutcome) => void;
  /** called for a row claimed while 'sending': it may have been mailed already */
  onResend?: () => void;
}

const MAX_RETRY_DELAY_MS = 600_000;

/** One batch; resolves with how many rows it claimed (0: nothing is due). */
export async function sendDueEmails(deps: SendEmailsDeps): Promise<number> {
  const claimed = await claimDueEmails(deps.prisma, deps.batchSize, deps.leaseMs);
  // A few workers taking rows in turn: the limit is one line of arithmetic, not worth a library.
  let next = 0;
  const worker = async () => {
    while (next < claimed.length) await sendOne(deps, claimed[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(deps.concurrency, claimed.length) }, worker));
  return claimed.length;
}

async function sendOne(deps: SendEmailsDeps, row: ClaimedEmail): Promise<void> {
  if (row.previousStatus === 'sending') deps.onResend?.();
  const outcome = await attempt(deps, row).catch(async (err: unknown) => {
    // Only the error's own message: an SMTP URL with its password never reaches it, and the
    // recipient's address stays out of the row.
    const reason = err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}`.slice(0, 500) : 'send failed';
    return giveUpOrRetry(deps, row, reason, isTransient(err));
  });
  deps.onOutcome?.(outcome);
}

async function attempt(deps: SendEmailsDeps, row: ClaimedEmail): Promise<SendOutcome> {
  if (row.accountType === 'user') return attemptAccountMail(deps, row);
  const account = await findAccount(deps.prisma, row.accountType, row.accountId);
  // The accounts queue may lag behind the deliveries queue: wait for the account to be known.
  if (!account) return giveUpOrRetry(deps, row, `${row.accountType} ${row.accountId} is not known yet`);
  if (!account.active) {
    await closeEmail(deps.prisma, row.id, 'skipped', `${row.accountType} is inactive`);
    return 'skipped';
  }
  let attachments: Attachment[] | undefined;
  if (row.kind === 'invoice.issued') {
    // Throws while billing cannot answer: the row is retried later, never mailed without its PDF.
    const result = await invoiceAttachment(deps.invoicePdfs, { accountType: row.accountType, accountId: row.accountId }, row.notification.data);
    if ('refused' in result) {
      deps.logger.warn({ sendId: row.id, eventId: row.eventId, reason: result.refused }, 'invoice email not sent');
      await closeEmail(deps.prisma, row.id, 'skipped', result.refused);
      return 'skipped';
    }
    attachments = [result.attachment];
  }
  const kind = kindOf(row.kind);
  const rendered = renderEmail({
    type: row.notification.type,
    data: row.notification.data,
    occurredAt: row.notification.occurredAt,
    name: account.name,
    language: account.language,
    canUnsubscribe: !kind?.security,
  });
  return mailAndMark(deps, row, account.email, rendered, attachments);
}

/**
 * Account mail: to the address the event gave, greeted by the name it gave, always (security mail:
 * no preference, no unsubscribe line). The templates get the link and never the sealed token.
 */
async function attemptAccountMail(deps: SendEmailsDeps, row: ClaimedEmail): Promise<SendOutcome> {
  const { data } = row.notification;
  if (!isAccountMail(row.kind) || row.toAddress === null) {
    await closeEmail(deps.prisma, row.id, 'failed', `${row.kind} is not account mail`);
    return 'failed';
  }
  const link = deps.accountLinks.linkFor(row.kind, data, deps.now());
  if ('refused' in link) {
    deps.logger.warn({ sendId: row.id, eventId: row.eventId, kind: row.kind, reason: link.refused }, 'account mail not sent');
    await closeEmail(deps.prisma, row.id, link.outcome, link.refused);
    return link.outcome;
  }
  const rendered = renderEmail({
    type: row.kind,
    data: { ...data, sealedToken: undefined, link: link.link },
    occurredAt: row.notification.occurredAt,
    name: String(data.name),
    canUnsubscribe: false,
    ...(link.link ? { link: link.link } : {}),
  });
  return mailAndMark(deps, row, row.toAddress, rendered);
}

async function mailAndMark(deps: SendEmailsDeps, row: ClaimedEmail, to: string, rendered: RenderedEmail, attachments?: Attachment[]): Promise<SendOutcome> {
  const messageId = `<${row.id}@notifications.runfleet>`;
  const result = await deps.mailer.send({
    from: deps.from,
    to,
    ...rendered,
    messageId,
    headers: { 'X-Runfleet-Event-Id': row.eventId, 'X-Runfleet-Event-Type': row.kind },
    ...(attachments ? { attachments } : {}),
  });
  await markEmailSent(deps.prisma, row.id, result.messageId ?? messageId, deps.now());
  return 'sent';
}

/** `keepTrying`: a dependency is down (billing for an invoice PDF); the row waits for it past maxAttempts. */
async function giveUpOrRetry(deps: SendEmailsDeps, row: ClaimedEmail, reason: string, keepTrying = false): Promise<SendOutcome> {
  if (row.attempts >= deps.maxAttempts && !keepTrying) {
    deps.logger.warn({ sendId: row.id, eventId: row.eventId, attempts: row.attempts, reason }, 'email given up');
    await closeEmail(deps.prisma, row.id, 'failed', reason);
    return 'failed';
  }
  const delay = Math.min(deps.retryBaseMs * 2 ** (row.attempts - 1), MAX_RETRY_DELAY_MS);
  deps.logger.info({ sendId: row.id, eventId: row.eventId, attempts: row.attempts, reason, retryInMs: delay }, 'email will be retried');
  await retryEmailLater(deps.prisma, row.id, new Date(deps.now().getTime() + delay), reason);
  return 'retry';
}
