// Billing's read model of accounts' names and contact emails (queue billing.accounts), so invoices
// can name their buyer and seller without calling the reseller service (DESIGN.md §3). A row keeps
// the newest event's state: an event older than the row's `as_of` changes nothing, so a late or
// redelivered customer.created cannot undo a customer.updated.
import type { Db } from '../db';
import type { OwnerType } from './wallet.repository';

export interface AccountState {
  ownerType: OwnerType;
  ownerId: string;
  name: string;
  email: string;
  /** when the event happened (its envelope's occurredAt) */
  asOf: Date;
}

/** Writes the account's state unless a newer one is kept already; returns whether it was written. */
export async function keepAccount(db: Db, account: AccountState): Promise<boolean> {
  const written = await db.$executeRaw`INSERT INTO "account" ("owner_type", "owner_id", "name", "email", "as_of")
    VALUES (${account.ownerType}, ${account.ownerId}::uuid, ${account.name}, ${account.email}, ${account.asOf})
    ON CONFLICT ("owner_type", "owner_id") DO UPDATE SET "name" = EXCLUDED."name", "email" = EXCLUDED."email", "as_of" = EXCLUDED."as_of", "updated_at" = now()
    WHERE "account"."as_of" <= EXCLUDED."as_of"`;
  return written > 0;
}

export interface AccountNames {
  customerName: string | null;
  resellerName: string | null;
}

/** The names billing knows now of a customer and a reseller (null: unknown, or no such party). */
export async function accountNames(db: Db, customerId: string | null, resellerId: string | null): Promise<AccountNames> {
  if (customerId === null && resellerId === null) return { customerName: null, resellerName: null };
  const rows = await db.account.findMany({
    where: {
      OR: [
        ...(customerId !== null ? [{ ownerType: 'customer', ownerId: customerId }] : []),
        ...(resellerId !== null ? [{ ownerType: 'reseller', ownerId: resellerId }] : []),
      ],
    },
    select: { ownerType: true, name: true },
  });
  return {
    customerName: rows.find((r) => r.ownerType === 'customer')?.name ?? null,
    resellerName: rows.find((r) => r.ownerType === 'reseller')?.name ?? null,
  };
}
