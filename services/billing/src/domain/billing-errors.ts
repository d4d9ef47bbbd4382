// The errors of billing's HTTP use cases, with stable codes. "Missing" and "not yours" share one
// answer so a caller learns nothing about wallets it may not see (DESIGN.md §7).
import { AppError } from '@runfleet/service-kit';

export const billingNotFound = {
  wallet: () =>
    AppError.notFound('WALLET_NOT_FOUND', 'There is no wallet with this id.', {
      errors: [{ field: 'params.walletId', message: 'no wallet with this id that the caller may use' }],
    }),
  priceList: () => AppError.notFound('PRICE_LIST_NOT_FOUND', 'There is no price list for this job type.'),
};

/** A 400 for one field, in the same shape the request validator uses. */
export function fieldError(field: string, message: string, detail = 'The request is invalid.'): AppError {
  return AppError.badRequest('VALIDATION_FAILED', detail, { errors: [{ field, message }] });
}
