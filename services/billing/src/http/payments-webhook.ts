// POST /v1/payments/webhook: a payment provider's signed event (issue 15 item 7). It carries no
// gateway principal — the provider cannot get one — so it is served ahead of the kit's principal
// check and trusts nothing but Stripe's signature scheme (`Stripe-Signature`, HMAC-SHA256 over the
// raw body and a timestamp, verified by the `stripe` package within a tolerance window). A bad or
// stale signature is 400 naming the header, and nothing is written. payment_intent.succeeded
// credits the wallet in its metadata once per event id; other event types are acknowledged.
import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import { findUnstorableText, MICROS_PER_UNIT } from '@runfleet/contracts';
import { AppError, correlationMiddleware, zodFieldErrors } from '@runfleet/service-kit';
import { creditFromProvider } from '../domain/credit-from-provider';
import type { UseCaseDeps } from '../domain/use-case-deps';

export const WEBHOOK_PATH = '/v1/payments/webhook';

export interface WebhookSettings {
  /** the endpoint's signing secret (`whsec_…`) */
  secret: string;
  /** how old a signature's timestamp may be, seconds */
  toleranceSeconds: number;
}

const paymentIntent = z.object({
  id: z.string().min(1),
  type: z.literal('payment_intent.succeeded'),
  data: z.object({
    object: z.object({
      amount_received: z.number().int().positive(),
      currency: z.string().regex(/^[a-z]{3}$/, 'must be a lower-case ISO 4217 code'),
      metadata: z.object({ walletId: z.uuid() }),
    }),
  }),
});

/** Stripe sends amounts in the currency's minor unit (cents; yen as is): to micro-units. */
export function minorUnitsToMicros(amount: number, currency: string): bigint {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return (BigInt(amount) * MICROS_PER_UNIT) / 10n ** BigInt(digits);
}

function signatureError(message: string): AppError {
  return AppError.badRequest('PAYMENT_SIGNATURE_INVALID', 'The webhook signature could not be verified.', {
    errors: [{ field: 'headers.stripe-signature', message }],
  });
}

/**
 * The stripe package, loaded on the first webhook rather than at start-up: it adds ~7 MB to the
 * resident size of a billing process that may never be sent one (docs/benchmarks.md, saga memory).
 */
async function stripe() {
  return (await import('stripe')).default;
}

export function paymentsWebhook(deps: UseCaseDeps, settings: WebhookSettings | undefined): Router {
  const router = express.Router();
  const handle: RequestHandler = async (req, res) => {
    if (!settings) throw AppError.serviceUnavailable('PAYMENT_WEBHOOK_DISABLED', 'No payment provider is configured.');
    const raw: unknown = req.body;
    if (!Buffer.isBuffer(raw)) throw AppError.badRequest('VALIDATION_FAILED', 'The request has no body.', { errors: [{ field: 'body', message: 'is required' }] });
    const header = req.get('stripe-signature');
    if (!header) throw signatureError('is required');
    let parsed: unknown;
    try {
      // checks the HMAC over timestamp and raw body in constant time, and the timestamp's age
      parsed = (await stripe()).webhooks.constructEvent(raw, header, settings.secret, settings.toleranceSeconds);
    } catch (err) {
      throw signatureError(err instanceof Error && /timestamp/i.test(err.message) ? 'is outside the tolerance window' : 'does not match the body');
    }
    const type = (parsed as { type?: unknown }).type;
    if (type !== 'payment_intent.succeeded') {
      res.json({ received: true, handled: false });
      return;
    }
    const event = paymentIntent.safeParse(parsed);
    if (!event.success) throw AppError.badRequest('VALIDATION_FAILED', 'The event is invalid.', { errors: zodFieldErrors(event.error, 'body') });
    // This route runs ahead of the kit's validate(), which refuses text PostgreSQL cannot store
    // (a NUL, a lone surrogate) on every other route: the same check, on what billing keeps of it.
    const unstorable = findUnstorableText(event.data);
    if (unstorable.length > 0) {
      throw AppError.badRequest('VALIDATION_FAILED', 'The event is invalid.', {
        errors: unstorable.map(({ path, message }) => ({ field: ['body', ...path].join('.'), message })),
      });
    }
    const { object } = event.data.data;
    const currency = object.currency.toUpperCase();
    const outcome = await creditFromProvider(
      deps,
      { provider: 'stripe', eventId: event.data.id, walletId: object.metadata.walletId, amount: minorUnitsToMicros(object.amount_received, currency), currency },
    );
    res.json({ received: true, handled: true, duplicate: outcome.kind === 'duplicate', transactionId: outcome.transactionId });
  };
  router.post(WEBHOOK_PATH, correlationMiddleware(), express.raw({ type: () => true, limit: '256kb' }), handle);
  return router;
}
