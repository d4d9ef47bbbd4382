// A reseller (its own customers) or an admin updates a customer's contact details or deactivates /
// reactivates it — customers are never deleted (issue 4). A deactivated customer's API keys stop
// verifying at once; customer.updated carries the full state after the change.
import { recordAudit } from '../data/audit.repository';
import { lockCustomer, updateCustomer as writeCustomer, type CustomerChanges, type CustomerRecord } from '../data/customer.repository';
import { emitEvents, event } from '../data/outbox.repository';
import { requireRole, type Actor } from './actor';
import { customerScopeOf } from './customer-scope';
import { notFound } from './not-found';
import type { UseCaseDeps } from './use-case-deps';

export async function updateCustomer(
  deps: UseCaseDeps,
  actor: Actor,
  customerId: string,
  changes: CustomerChanges,
): Promise<CustomerRecord> {
  requireRole(actor, 'admin', 'reseller');
  return deps.prisma.$transaction(async (tx) => {
    const before = await lockCustomer(tx, customerScopeOf(actor), customerId);
    if (!before) throw notFound.customer();
    const changedFields = (Object.keys(changes) as (keyof CustomerChanges)[]).filter(
      (field) => changes[field] !== undefined && changes[field] !== before[field],
    );
    if (changedFields.length === 0) return before;
    const after = await writeCustomer(tx, customerId, Object.fromEntries(changedFields.map((f) => [f, changes[f]])));
    await emitEvents(tx, [
      event('customer.updated', {
        customerId: after.id,
        resellerId: after.resellerId,
        email: after.email,
        name: after.name,
        active: after.active,
        changedFields,
      }),
    ]);
    await recordAudit(tx, {
      actorType: actor.type,
      actorId: actor.id,
      action: changedFields.includes('active') ? (after.active ? 'customer.reactivated' : 'customer.deactivated') : 'customer.updated',
      targetType: 'customer',
      targetId: after.id,
      details: Object.fromEntries(changedFields.map((f) => [f, { from: before[f], to: after[f] }])),
      resellerId: after.resellerId,
    });
    return after;
  });
}
