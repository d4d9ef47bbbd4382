// The read model of accounts (issue 17 item 1): customers and resellers as the reseller service's
// events describe them; who an email goes to and in which language.
import type { Db } from '../db';
import type { AccountType } from '../domain/account-notification';

export interface AccountRecord {
  accountType: AccountType;
  accountId: string;
  resellerId: string | null;
  name: string;
  email: string;
  active: boolean;
  language: string;
}

export interface AccountState {
  accountType: AccountType;
  accountId: string;
  resellerId: string | null;
  name: string;
  email: string;
  active: boolean;
}

const SELECT = { accountType: true, accountId: true, resellerId: true, name: true, email: true, active: true, language: true } as const;

/** A `*.created` event: written unless an update got here first, whose state is newer. */
export async function insertAccountIfMissing(db: Db, state: AccountState): Promise<void> {
  await db.account.createMany({ data: [state], skipDuplicates: true });
}

/** A `*.updated` event carries the full state after the change; the language is kept. */
export async function saveAccount(db: Db, state: AccountState, now: Date): Promise<void> {
  const { accountType, accountId, ...rest } = state;
  await db.account.upsert({
    where: { accountType_accountId: { accountType, accountId } },
    create: { ...state, updatedAt: now },
    update: { ...rest, updatedAt: now },
  });
}

export async function findAccount(db: Db, accountType: AccountType, accountId: string): Promise<AccountRecord | null> {
  const row = await db.account.findUnique({ where: { accountType_accountId: { accountType, accountId } }, select: SELECT });
  return row ? { ...row, accountType: row.accountType as AccountType } : null;
}
