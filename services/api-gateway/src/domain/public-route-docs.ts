// The OpenAPI description of the routes the gateway forwards without a credential (routing-table.ts
// PUBLIC_ROUTES; issue 15 item 10). The services' documents cannot carry them — every /v1 route they
// document needs a scope — so the gateway documents them beside its own routes, unauthenticated
// (`security: []`), with what the gateway and the service answer.
import type { OpenApiDocument } from './openapi-merge';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/GatewayProblem' } } },
});

export const PUBLIC_ROUTE_PATHS: NonNullable<OpenApiDocument['paths']> = {
  '/v1/payments/webhook': {
    post: {
      summary: "The payment provider's signed events (Stripe)",
      description:
        'No API key: billing verifies `Stripe-Signature` (HMAC-SHA256 over the timestamp and the raw body, within a ' +
        'tolerance window). The gateway forwards the body byte for byte with only Content-Type, Content-Length, ' +
        'Stripe-Signature and User-Agent, under a per-IP budget and a body cap. `payment_intent.succeeded` credits ' +
        'the wallet in `data.object.metadata.walletId` once per event id, however often it is delivered; other ' +
        'event types are acknowledged.',
      tags: ['payments'],
      parameters: [
        { name: 'Stripe-Signature', in: 'header', required: true, description: '`t=<unix time>,v1=<hex HMAC-SHA256>`', schema: { type: 'string' } },
      ],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', description: 'A Stripe event, as Stripe sent it.' } } } },
      responses: {
        '200': {
          description: 'Received; `handled` says whether it credited a wallet, `duplicate` whether it had before',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { received: { type: 'boolean' }, handled: { type: 'boolean' }, duplicate: { type: 'boolean' }, transactionId: { type: 'string' } },
                required: ['received', 'handled'],
              },
            },
          },
        },
        '400': problem('A missing, tampered, stale or foreign signature (naming headers.stripe-signature), or an invalid event; nothing is written'),
        '413': problem('The body is larger than the cap'),
        '429': { $ref: '#/components/responses/GatewayTooManyRequests' },
        '503': problem('No payment provider is configured, or billing cannot be reached'),
      },
    },
  },
};

/** The gateway's own document with the unauthenticated routes added. */
export function withPublicRoutes(document: OpenApiDocument): OpenApiDocument {
  return {
    ...document,
    paths: { ...document.paths, ...PUBLIC_ROUTE_PATHS },
    tags: [...(document.tags ?? []), { name: 'payments' }],
  };
}
