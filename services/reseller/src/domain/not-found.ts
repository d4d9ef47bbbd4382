// The one answer for "missing" and "not yours" (issue 4 "Authorization"): the same status, code and
// detail whether the object does not exist or belongs to someone else, so a caller learns nothing.
import { AppError } from '@runfleet/service-kit';

export const notFound = {
  reseller: () => AppError.notFound('RESELLER_NOT_FOUND', 'There is no reseller with this id.'),
  customer: () => AppError.notFound('CUSTOMER_NOT_FOUND', 'There is no customer with this id.'),
  project: () => AppError.notFound('PROJECT_NOT_FOUND', 'There is no project with this id.'),
  apiKey: () => AppError.notFound('APIKEY_NOT_FOUND', 'There is no API key with this id.'),
};
