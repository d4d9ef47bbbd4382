// The Idempotency-Key request header as a service reads it (draft-ietf-httpapi-idempotency-key-header):
// the gateway forwards the client's header untouched, and checks it the same way first.
import { AppError } from '@runfleet/service-kit';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** A create answered from an earlier request with the same key (as the gateway marks its replays). */
export const REPLAYED_HEADER = 'Idempotent-Replayed';
// Visible ASCII, as the draft's sf-string allows; long enough for any UUID or ULID scheme.
const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

/** The request's key; 400 naming `header.idempotency-key` when it is malformed, or missing and required. */
export function idempotencyKeyFrom(headers: Record<string, string | string[] | undefined>, options: { required: boolean }): string | undefined {
  const key = headers[IDEMPOTENCY_KEY_HEADER];
  if (key === undefined) {
    if (!options.required) return undefined;
    throw AppError.badRequest('IDEMPOTENCY_KEY_MISSING', 'This request moves money or places work: send an Idempotency-Key header.', {
      errors: [{ field: 'header.idempotency-key', message: 'is required' }],
    });
  }
  if (typeof key !== 'string' || !KEY_FORMAT.test(key)) {
    throw AppError.badRequest('IDEMPOTENCY_KEY_INVALID', 'The Idempotency-Key must be 1-255 visible ASCII characters.', {
      errors: [{ field: 'header.idempotency-key', message: 'must be 1-255 visible ASCII characters' }],
    });
  }
  return key;
}
