// Email send records (issue 17 item 5): at most one per event and recipient, written in the
// consumer's transaction; the sender loop claims due rows, sends, and marks them.
import { randomUUID } from 'node:crypto';
import type { Db, Prisma } from '../db';
import type { AccountType, Recipient } from '../domain/account-notification';

/** An account of the read model, or a person addressed by the event itself (account mail, issue 19). */
export type SendRecipient = Recipient | { accountType: 'user'; accountId: string };

export type EmailSendStatus = 'pending' | 'sending' | 'sent' | 'skipped' | 'failed';

export interface ClaimedEmail {
  id: string;
  eventId: string;
  accountType: AccountType | 'user';
  accountId: string;
  /** set for account mail: the address the event gave */
  toAddress: string | null;
  kind: string;
  notification: { type: string; occurredAt: string; data: Record<string, unknown> };
  attempts: number;
  /** the status the row had when claimed: 'sending' means an earlier claim may have sent it */
  previousStatus: 'pending' | 'sending';
}

/** A redelivered event writes nothing: one row per event and recipient. `toAddress`: account mail's address. */
export async function insertEmailSend(
  db: Db,
  eventId: string,
  recipient: SendRecipient,
  kind: string,
  notification: Prisma.InputJsonValue,
  toAddress: string | null = null,
): Promise<void> {
  await db.emailSend.createMany({
    data: [{ id: randomUUID(), eventId, accountType: recipient.accountType, accountId: recipient.accountId, toAddress, kind, notification }],
    skipDuplicates: true,
  });
}

/**
 * Claims up to `limit` due rows in one autocommitted statement: each becomes 'sending' with its
 * next attempt pushed out by `leaseMs`, so a sender that dies holding it leaves it to another after
 * the lease. SKIP LOCKED lets replicas claim side by side without waiting on each other's rows.
 */
export async function claimDueEmails(db: Db, limit: number, leaseMs: number): Promise<ClaimedEmail[]> {
  const rows = await db.$queryRaw<
    {
      id: string;
      event_id: string;
      account_type: string;
      account_id: string;
      to_address: string | null;
      kind: string;
      notification: ClaimedEmail['notification'];
      attempts: number;
      previous_status: 'pending' | 'sending';
    }[]
  >`
    WITH due AS (
      SELECT id, status FROM email_send
      WHERE status IN ('pending', 'sending') AND next_attempt_at <= now()
      ORDER BY next_attempt_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE email_send e
    SET status = 'sending', attempts = e.attempts + 1, next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000})
    FROM due
    WHERE e.id = due.id
    RETURNING e.id::text, e.event_id::text, e.account_type, e.account_id::text, e.to_address, e.kind, e.notification, e.attempts, due.status AS previous_status`;
  return rows.map((r) => ({
    id: r.id,
    eventId: r.event_id,
    accountType: r.account_type as ClaimedEmail['accountType'],
    accountId: r.account_id,
    toAddress: r.to_address,
    kind: r.kind,
    notification: r.notification,
    attempts: r.attempts,
    previousStatus: r.previous_status,
  }));
}

export async function markEmailSent(db: Db, id: string, messageId: string | null, now: Date): Promise<void> {
  await db.emailSend.updateMany({ where: { id, status: 'sending' }, data: { status: 'sent', sentAt: now, messageId, lastError: null } });
}

/** Nothing will be sent: the account is gone, inactive, or the row failed for good. */
export async function closeEmail(db: Db, id: string, status: 'skipped' | 'failed', reason: string): Promise<void> {
  await db.emailSend.updateMany({ where: { id, status: 'sending' }, data: { status, lastError: reason } });
}

/** Back to pending, tried again at `nextAttemptAt`. */
export async function retryEmailLater(db: Db, id: string, nextAttemptAt: Date, reason: string): Promise<void> {
  await db.emailSend.updateMany({ where: { id, status: 'sending' }, data: { status: 'pending', nextAttemptAt, lastError: reason } });
}

/** Rows still to send and the age of the oldest, for the backlog gauges. */
export async function emailBacklog(db: Db): Promise<{ pending: number; oldestCreatedAt: Date | null }> {
  const [row] = await db.$queryRaw<{ pending: bigint; oldest: Date | null }[]>`
    SELECT count(*) AS pending, min(created_at) AS oldest FROM email_send WHERE status IN ('pending', 'sending')`;
  return { pending: Number(row?.pending ?? 0n), oldestCreatedAt: row?.oldest ?? null };
}
