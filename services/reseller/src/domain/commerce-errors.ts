// The errors of providers, offerings, relationships, orders and tiers, with stable codes. "Missing"
// and "not yours" share one answer (issue 4 "Authorization"), like the accounts' not-found.ts.
import { AppError } from '@runfleet/service-kit';
import type { OrderStatus } from './order-status';

export const commerceNotFound = {
  provider: () => AppError.notFound('PROVIDER_NOT_FOUND', 'There is no provider with this id.'),
  offering: () => AppError.notFound('OFFERING_NOT_FOUND', 'There is no offering with this id.'),
  relationship: () => AppError.notFound('RELATIONSHIP_NOT_FOUND', 'There is no relationship with this id.'),
  order: () => AppError.notFound('ORDER_NOT_FOUND', 'There is no order with this id.'),
};

/** 409 whose detail starts with the order's current status, e.g. "The order is pending; only a paid order can be fulfilled." */
export function invalidOrderTransition(current: OrderStatus, wanted: string): AppError {
  return AppError.conflict('ORDER_INVALID_TRANSITION', `The order is ${current}; ${wanted}.`);
}

/** A 400 for one field, in the same shape the request validator uses. */
export function fieldError(field: string, message: string, detail = 'The request is invalid.'): AppError {
  return AppError.badRequest('VALIDATION_FAILED', detail, { errors: [{ field, message }] });
}
