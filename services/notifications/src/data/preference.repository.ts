// Per-account email preferences by category (issue 17 item 5); a category without a row is on.
import type { Db } from '../db';
import type { Recipient } from '../domain/account-notification';

export interface PreferenceRecord {
  category: string;
  email: boolean;
  updatedAt: Date;
}

export async function listPreferences(db: Db, account: Recipient): Promise<PreferenceRecord[]> {
  return db.notificationPreference.findMany({
    where: { accountType: account.accountType, accountId: account.accountId },
    select: { category: true, email: true, updatedAt: true },
  });
}

export async function savePreferences(db: Db, account: Recipient, emailByCategory: Record<string, boolean>, now: Date): Promise<void> {
  for (const [category, email] of Object.entries(emailByCategory)) {
    await db.notificationPreference.upsert({
      where: { accountType_accountId_category: { accountType: account.accountType, accountId: account.accountId, category } },
      create: { accountType: account.accountType, accountId: account.accountId, category, email, updatedAt: now },
      update: { email, updatedAt: now },
    });
  }
}

/** Whether `account` wants email of `category` (true unless it turned it off). */
export async function wantsEmail(db: Db, account: Recipient, category: string): Promise<boolean> {
  const row = await db.notificationPreference.findUnique({
    where: { accountType_accountId_category: { accountType: account.accountType, accountId: account.accountId, category } },
    select: { email: true },
  });
  return row?.email ?? true;
}
