// The registry's errors with stable codes. "Missing" and "not yours" share one answer, so a caller
// learns nothing about other customers' objects (DESIGN.md §7).
import { AppError } from '@runfleet/service-kit';

export const notFound = {
  registrationToken: () => AppError.notFound('REGISTRATION_TOKEN_NOT_FOUND', 'There is no registration token with this id.'),
  runner: () => AppError.notFound('RUNNER_NOT_FOUND', 'There is no runner with this id.'),
  job: () => AppError.notFound('JOB_NOT_FOUND', 'There is no job with this id.'),
  project: () => AppError.notFound('PROJECT_NOT_FOUND', 'There is no active project with this id.'),
};

/** A 400 for one field, in the same shape the request validator uses. */
export function fieldError(field: string, message: string, detail = 'The request is invalid.'): AppError {
  return AppError.badRequest('VALIDATION_FAILED', detail, { errors: [{ field, message }] });
}

/** 409 whose detail starts with the job's current status. */
export function invalidJobTransition(current: string, wanted: string): AppError {
  return AppError.conflict('JOB_INVALID_TRANSITION', `The job is ${current}; ${wanted}.`);
}
