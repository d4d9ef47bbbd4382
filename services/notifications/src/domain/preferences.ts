// Email preferences (issue 17 item 5): per account and category, email on or off (on by default).
// Security mail (a webhook endpoint about to be disabled or disabled) is not a category: no
// preference turns it off.
import { listPreferences, savePreferences } from '../data/preference.repository';
import type { Db, PrismaClient } from '../db';
import type { Recipient } from './account-notification';
import { CATEGORIES, type Category } from './notification-kinds';

export type EmailPreferences = Record<Category, { email: boolean }>;

export async function readPreferences(db: Db, account: Recipient): Promise<EmailPreferences> {
  const rows = await listPreferences(db, account);
  const saved = new Map(rows.map((r) => [r.category, r.email]));
  return Object.fromEntries(CATEGORIES.map((c) => [c, { email: saved.get(c) ?? true }])) as EmailPreferences;
}

/** Sets the categories named; the others keep what they had. */
export async function updatePreferences(
  prisma: PrismaClient,
  account: Recipient,
  changes: Partial<Record<Category, { email: boolean }>>,
  now: Date,
): Promise<EmailPreferences> {
  const emailByCategory = Object.fromEntries(Object.entries(changes).map(([c, v]) => [c, v!.email]));
  return prisma.$transaction(async (tx) => {
    await savePreferences(tx, account, emailByCategory, now);
    return readPreferences(tx, account);
  });
}
