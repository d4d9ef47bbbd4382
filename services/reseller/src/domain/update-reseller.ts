// Admin updates a reseller: contact details, commission rate (0–5000 bps, DESIGN.md §10) and
// suspension. Commission changes and suspensions are audited; any change emits reseller.updated
// with the full state after it. A suspended reseller's API keys stop verifying at once.
import { recordAudit, type AuditEntry } from '../data/audit.repository';
import { emitEvents, event } from '../data/outbox.repository';
import { lockReseller, updateReseller as writeReseller, type ResellerChanges, type ResellerRecord } from '../data/reseller.repository';
import { requireRole, type Actor } from './actor';
import { notFound } from './not-found';
import type { UseCaseDeps } from './use-case-deps';

export async function updateReseller(
  deps: UseCaseDeps,
  actor: Actor,
  resellerId: string,
  changes: ResellerChanges,
): Promise<ResellerRecord> {
  requireRole(actor, 'admin');
  return deps.prisma.$transaction(async (tx) => {
    const before = await lockReseller(tx, resellerId);
    if (!before) throw notFound.reseller();
    const changedFields = (Object.keys(changes) as (keyof ResellerChanges)[]).filter(
      (field) => changes[field] !== undefined && changes[field] !== before[field],
    );
    // Re-sending the current values is a no-op: no write, no event, no audit entry.
    if (changedFields.length === 0) return before;
    const after = await writeReseller(tx, resellerId, Object.fromEntries(changedFields.map((f) => [f, changes[f]])));

    await emitEvents(tx, [
      event('reseller.updated', {
        resellerId: after.id,
        name: after.name,
        email: after.email,
        active: after.active,
        commissionRateBps: after.commissionRateBps,
        tier: after.tier,
        changedFields,
      }),
    ]);
    const audit = (action: string, details: Record<string, unknown>): AuditEntry => ({
      actorType: actor.type,
      actorId: actor.id,
      action,
      targetType: 'reseller',
      targetId: after.id,
      details,
      resellerId: after.id,
    });
    const entries: AuditEntry[] = [];
    if (changedFields.includes('commissionRateBps')) {
      entries.push(audit('reseller.commission_changed', { from: before.commissionRateBps, to: after.commissionRateBps }));
    }
    if (changedFields.includes('active')) {
      entries.push(audit(after.active ? 'reseller.reactivated' : 'reseller.suspended', {}));
    }
    const contact = changedFields.filter((f) => f === 'name' || f === 'email');
    if (contact.length > 0) {
      entries.push(audit('reseller.updated', Object.fromEntries(contact.map((f) => [f, { from: before[f], to: after[f] }]))));
    }
    for (const entry of entries) await recordAudit(tx, entry);
    return after;
  });
}
