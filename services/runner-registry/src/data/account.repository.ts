// The registry's read model of the reseller service's customers and projects (issue 14 item 4:
// jobs run only in an active project of an active customer), kept from their events.
import type { Db } from '../db';

export interface CustomerAccountRecord {
  id: string;
  resellerId: string | null;
  currency: string | null;
  active: boolean;
}

export interface ProjectAccountRecord {
  id: string;
  customerId: string;
  resellerId: string | null;
  name: string;
  archived: boolean;
}

export async function findCustomerAccount(db: Db, id: string): Promise<CustomerAccountRecord | null> {
  return db.customerAccount.findUnique({ where: { id }, select: { id: true, resellerId: true, currency: true, active: true } });
}

/** customer.created: the currency is only ever set here; an update that arrived first keeps its active flag. */
export async function recordCustomerCreated(db: Db, c: { id: string; resellerId: string | null; currency: string; occurredAt: Date }): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "customer_account" (id, reseller_id, currency, active, changed_at)
    VALUES (${c.id}::uuid, ${c.resellerId}::uuid, ${c.currency}, true, ${c.occurredAt})
    ON CONFLICT (id) DO UPDATE SET currency = EXCLUDED.currency`;
}

/** customer.updated carries the full state: applied unless a later one was applied already. */
export async function recordCustomerUpdated(db: Db, c: { id: string; resellerId: string | null; active: boolean; occurredAt: Date }): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "customer_account" (id, reseller_id, currency, active, changed_at)
    VALUES (${c.id}::uuid, ${c.resellerId}::uuid, NULL, ${c.active}, ${c.occurredAt})
    ON CONFLICT (id) DO UPDATE SET reseller_id = EXCLUDED.reseller_id, active = EXCLUDED.active, changed_at = EXCLUDED.changed_at
     WHERE "customer_account".changed_at <= EXCLUDED.changed_at`;
}

/** project.created / project.archived; archiving is final, so a late `created` never un-archives. */
export async function recordProject(db: Db, p: ProjectAccountRecord): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "project_account" (id, customer_id, reseller_id, name, archived)
    VALUES (${p.id}::uuid, ${p.customerId}::uuid, ${p.resellerId}::uuid, ${p.name}, ${p.archived})
    ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, archived = "project_account".archived OR EXCLUDED.archived`;
}
