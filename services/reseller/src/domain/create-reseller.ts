// Admin creates a reseller (DESIGN.md §2): the row, reseller.created and the audit entry in one transaction.
import { recordAudit } from '../data/audit.repository';
import { emitEvents, event } from '../data/outbox.repository';
import { insertReseller, type NewReseller, type ResellerRecord } from '../data/reseller.repository';
import { requireRole, type Actor } from './actor';
import type { UseCaseDeps } from './use-case-deps';

export async function createReseller(deps: UseCaseDeps, actor: Actor, input: NewReseller): Promise<ResellerRecord> {
  requireRole(actor, 'admin');
  return deps.prisma.$transaction(async (tx) => {
    const reseller = await insertReseller(tx, input);
    await emitEvents(tx, [
      event('reseller.created', {
        resellerId: reseller.id,
        name: reseller.name,
        email: reseller.email,
        commissionRateBps: reseller.commissionRateBps,
        tier: reseller.tier,
        currency: reseller.currency,
      }),
    ]);
    await recordAudit(tx, {
      actorType: actor.type,
      actorId: actor.id,
      action: 'reseller.created',
      targetType: 'reseller',
      targetId: reseller.id,
      details: { name: reseller.name, commissionRateBps: reseller.commissionRateBps },
      resellerId: reseller.id,
    });
    return reseller;
  });
}
