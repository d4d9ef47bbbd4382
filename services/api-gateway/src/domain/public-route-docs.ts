// The OpenAPI description of the routes the gateway forwards without a credential (routing-table.ts
// PUBLIC_ROUTES; issue 15 item 10, issue 19). The gateway documents them beside its own routes,
// unauthenticated (`security: []`), with what the gateway and the service answer: the gateway adds
// its per-IP budget and body cap, and turns a sign-in's session token into cookies, which a
// service's own description of these operations cannot say (openapi-merge.ts keeps this one).
import type { OpenApiDocument } from './openapi-merge';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/GatewayProblem' } } },
});

const json = (schema: Record<string, unknown>) => ({ 'application/json': { schema } });
const body = (properties: Record<string, unknown>, required: string[]) => ({ required: true, content: json({ type: 'object', properties, required, additionalProperties: false }) });
const email = { type: 'string', format: 'email' };
const oneTimeToken = { type: 'string', description: 'The one-time token from the mailed link (30 minutes, single use)' };
const newPassword = { type: 'string', description: 'At least 12 characters, and not easily guessed (zxcvbn score 3 or more): else 422' };

/** The person signed in, as every account operation shows them. */
const user = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    email,
    name: { type: 'string' },
    role: { type: 'string', enum: ['admin', 'reseller', 'customer'] },
    resellerId: { type: ['string', 'null'] },
    customerId: { type: ['string', 'null'] },
    emailVerified: { type: 'boolean' },
    totpEnabled: { type: 'boolean' },
  },
  required: ['id', 'email', 'name', 'role', 'resellerId', 'customerId', 'emailVerified', 'totpEnabled'],
};

/** What every unauthenticated account operation may also answer, from the gateway. */
const accountLimits = {
  '400': problem('The body is not valid JSON of this shape; `errors` names the fields'),
  '413': problem('The body is larger than AUTH_BODY_LIMIT_BYTES'),
  '429': { $ref: '#/components/responses/GatewayTooManyRequests' },
  '503': problem('The reseller service cannot be reached'),
};

const account = (summary: string, description: string, operation: Record<string, unknown>) => ({
  post: { summary, description: `${description} No credential; at most AUTH_PER_IP_PER_MINUTE requests per minute from one address.`, tags: ['auth'], ...operation },
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
  '/v1/auth/signup': account(
    'Sign up: a new customer and its first user',
    'Creates a direct customer, or with a referral code a customer of that code\'s reseller, and mails a verification link. ' +
      'The answer is the same whether or not the address already has an account.',
    {
      requestBody: body({ email, password: newPassword, name: { type: 'string', minLength: 1 }, referralCode: { type: 'string' } }, ['email', 'password', 'name']),
      responses: {
        '202': { description: 'A verification link was mailed', content: json({ type: 'object', properties: { status: { type: 'string', const: 'verification_sent' } }, required: ['status'] }) },
        '422': problem('The password is too weak (naming `body.password`) or the referral code is unknown (naming `body.referralCode`)'),
        ...accountLimits,
      },
    },
  ),
  '/v1/auth/login': account(
    'Sign in: starts a session in cookies',
    'Checks the password (and the TOTP code when the user enabled a second factor). The gateway keeps the session token out of ' +
      'the body: it sets the `rf_session` cookie (HttpOnly; SameSite=Lax; Path=/; Secure except over plain http from a loopback ' +
      'address), and `rf_csrf` (readable) whose value, also answered as `csrfToken`, must be sent as `X-CSRF-Token` on every ' +
      'write the cookie authenticates. After 5 failed sign-ins an account is locked for 30 minutes (mailed, never told here). ' +
      'A present Origin must be the gateway\'s own.',
    {
      requestBody: body({ email, password: { type: 'string' }, totpCode: { type: 'string', pattern: '^[0-9]{6}$' } }, ['email', 'password']),
      responses: {
        '200': {
          description: 'Signed in: the session cookies are set',
          headers: { 'Set-Cookie': { description: '`rf_session=…; HttpOnly; SameSite=Lax; Path=/; Max-Age=…` and `rf_csrf=…; SameSite=Lax; Path=/; Max-Age=…`', schema: { type: 'string' } } },
          content: json({
            type: 'object',
            properties: { expiresAt: { type: 'string', format: 'date-time', description: 'when the session ends unless it is used before' }, user, csrfToken: { type: 'string' } },
            required: ['expiresAt', 'user', 'csrfToken'],
          }),
        },
        '401': problem('`AUTH_LOGIN_FAILED`: wrong email or password, or the account is locked (one answer for all); `AUTH_TOTP_REQUIRED`: the password was right, the TOTP code is missing or wrong'),
        '403': problem('`AUTH_EMAIL_NOT_VERIFIED`: the password was right, the email address is not verified yet; `AUTH_ACCOUNT_DEACTIVATED`: the password was right, the user\'s reseller or customer is deactivated; `AUTH_CSRF_FAILED`: sent from another origin'),
        '502': problem('The reseller service answered without a session'),
        ...accountLimits,
      },
    },
  ),
  '/v1/auth/email-verification': account('Verify an email address', 'Uses the token of the mailed verification link, once.', {
    requestBody: body({ token: oneTimeToken }, ['token']),
    responses: { '204': { description: 'The email address is verified' }, ...accountLimits, '400': problem('`AUTH_TOKEN_INVALID`: the token is unknown, used or expired (naming `body.token`); or the body is not of this shape') },
  }),
  '/v1/auth/password-reset': account('Ask for a password reset link', 'Mails a reset link when the address has an account; the answer is the same either way.', {
    requestBody: body({ email }, ['email']),
    responses: { '202': { description: 'Accepted (a link was mailed if the address has an account)' }, ...accountLimits },
  }),
  '/v1/auth/password-reset/confirm': account(
    'Set a new password with a reset or invitation link',
    'Uses the token of a mailed reset or invitation link, once; ends every session of the user. Accepting an invitation also verifies the email address.',
    {
      requestBody: body({ token: oneTimeToken, password: newPassword }, ['token', 'password']),
      responses: {
        '204': { description: 'The password is set' },
        '422': problem('The password is too weak (naming `body.password`)'),
        ...accountLimits,
        '400': problem('`AUTH_TOKEN_INVALID`: the token is unknown, used or expired (naming `body.token`); or the body is not of this shape'),
      },
    },
  ),
};

/** The gateway's own document with the unauthenticated routes added. */
export function withPublicRoutes(document: OpenApiDocument): OpenApiDocument {
  return {
    ...document,
    paths: { ...document.paths, ...PUBLIC_ROUTE_PATHS },
    tags: [...(document.tags ?? []), { name: 'payments' }, { name: 'auth' }],
  };
}
