// A reseller creates one of its own customers, or an admin a direct customer (no reseller) or one
// for a reseller (DESIGN.md §2). The reseller comes from the principal, never from the body.
import { AppError } from '@runfleet/service-kit';
import { recordAudit } from '../data/audit.repository';
import { insertCustomer, type CustomerRecord } from '../data/customer.repository';
import { emitEvents, event } from '../data/outbox.repository';
import { findReseller } from '../data/reseller.repository';
import { requireRole, type Actor } from './actor';
import { notFound } from './not-found';
import type { UseCaseDeps } from './use-case-deps';

/** A customer's wallet currency when neither the body nor a reseller sets one. */
export const DEFAULT_CURRENCY = 'EUR';

export interface CreateCustomerInput {
  name: string;
  email: string;
  currency?: string;
  /** admins only */
  resellerId?: string;
}

export async function createCustomer(deps: UseCaseDeps, actor: Actor, input: CreateCustomerInput): Promise<CustomerRecord> {
  requireRole(actor, 'admin', 'reseller');
  if (actor.type === 'reseller' && input.resellerId !== undefined) {
    throw AppError.badRequest('VALIDATION_FAILED', 'A reseller creates customers for itself only.', {
      errors: [{ field: 'body.resellerId', message: 'may not be set by a reseller' }],
    });
  }
  const resellerId = actor.type === 'reseller' ? actor.id : (input.resellerId ?? null);

  return deps.prisma.$transaction(async (tx) => {
    let currency = input.currency ?? DEFAULT_CURRENCY;
    if (resellerId !== null) {
      const reseller = await findReseller(tx, resellerId);
      if (!reseller) throw notFound.reseller();
      // A reseller's customers are billed in its currency, so commission needs no conversion.
      if (input.currency !== undefined && input.currency !== reseller.currency) {
        throw AppError.badRequest('VALIDATION_FAILED', `Customers of this reseller are billed in ${reseller.currency}.`, {
          errors: [{ field: 'body.currency', message: `must be ${reseller.currency}, the reseller's currency` }],
        });
      }
      currency = reseller.currency;
    }
    const customer = await insertCustomer(tx, { resellerId, name: input.name, email: input.email, currency });
    await emitEvents(tx, [
      event('customer.created', {
        customerId: customer.id,
        resellerId: customer.resellerId,
        email: customer.email,
        name: customer.name,
        currency: customer.currency,
      }),
    ]);
    await recordAudit(tx, {
      actorType: actor.type,
      actorId: actor.id,
      action: 'customer.created',
      targetType: 'customer',
      targetId: customer.id,
      details: { name: customer.name },
      resellerId: customer.resellerId,
    });
    return customer;
  });
}
