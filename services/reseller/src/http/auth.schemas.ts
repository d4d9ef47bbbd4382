// Request and response schemas of people's accounts (issue 19): /v1/auth/*, /v1/users, referral
// codes, and the gateway's /internal/sessions/verify.
import { z } from 'zod';
import { API_SCOPES, USER_ROLES } from '@runfleet/contracts';
import { MAX_PASSWORD_LENGTH } from '../domain/passwords';
import type { UserView } from '../domain/user-view';
import { emailSchema, EXAMPLE_IDS, EXAMPLE_TIME, nameSchema, timestampSchema } from './common.schemas';

const EXAMPLE_USER = '9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f';
const EXAMPLE_SESSION_TOKEN = 'rf_ss_4Kq9x2LmP7zR_0123456789abcdefghijABCDEFGHIJklmnopqrstuvw';

const password = z.string().min(1).max(MAX_PASSWORD_LENGTH);
const newPassword = password.meta({ description: 'at least 12 characters and not easy to guess (zxcvbn score ≥ 3)', example: 'correct-horse-battery-staple' });
const oneTimeToken = z.string().min(1).max(512).meta({ description: 'the token from the mailed link', example: 'kq9x2Lm…' });
const totpCode = z.string().regex(/^\d{6}$/, 'must be 6 digits').meta({ description: 'the 6-digit code of the authenticator app', example: '123456' });

export const userSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    role: z.enum(USER_ROLES),
    resellerId: z.uuid().nullable().meta({ description: 'the reseller of reseller staff and of a reseller’s customer' }),
    customerId: z.uuid().nullable().meta({ description: 'the customer a customer’s user acts for' }),
    emailVerified: z.boolean(),
    totpEnabled: z.boolean(),
  })
  .meta({
    example: {
      id: EXAMPLE_USER,
      email: 'grace@example.com',
      name: 'Grace Hopper',
      role: 'customer',
      resellerId: EXAMPLE_IDS.reseller,
      customerId: EXAMPLE_IDS.customer,
      emailVerified: true,
      totpEnabled: false,
    },
  });

export const userJson = (user: UserView): z.infer<typeof userSchema> => user;

export const signUpBody = z
  .strictObject({
    email: emailSchema,
    password: newPassword,
    name: nameSchema.meta({ example: 'Grace Hopper' }),
    referralCode: z.string().trim().min(1).max(64).optional().meta({ description: 'a reseller’s referral code: the new customer becomes theirs', example: 'CLOUDY-2026' }),
  })
  .meta({ example: { email: 'grace@example.com', password: 'correct-horse-battery-staple', name: 'Grace Hopper' } });

export const signUpAnswer = z.object({ status: z.literal('verification_sent') });

export const logInBody = z
  .strictObject({
    email: z.string().min(1).max(320).meta({ example: 'grace@example.com' }),
    password,
    totpCode: totpCode.optional(),
  })
  .meta({ example: { email: 'grace@example.com', password: 'correct-horse-battery-staple' } });

export const signedInSchema = z.object({
  token: z.string().meta({ description: 'the session token; the gateway moves it into the rf_session cookie and removes it from the body', example: EXAMPLE_SESSION_TOKEN }),
  expiresAt: timestampSchema.meta({ description: 'when the session ends unless used (idle expiry, capped by the absolute one)' }),
  user: userSchema,
});

export const tokenBody = z.strictObject({ token: oneTimeToken });
export const resetRequestBody = z.strictObject({ email: z.string().min(1).max(320).meta({ example: 'grace@example.com' }) });
export const resetConfirmBody = z.strictObject({ token: oneTimeToken, password: newPassword });
export const changePasswordBody = z.strictObject({ currentPassword: password, password: newPassword });
export const totpCodeBody = z.strictObject({ code: totpCode });
export const totpSetupSchema = z.object({
  secret: z.string().meta({ description: 'base32 secret, shown once, to type into an authenticator app', example: 'JBSWY3DPEHPK3PXP' }),
  otpauthUrl: z.string().meta({ description: 'the same as an otpauth:// URL, for a QR code' }),
});

export const verifySessionBody = z.strictObject({ key: z.string().max(1024).meta({ description: 'the rf_session cookie’s value', example: EXAMPLE_SESSION_TOKEN }) });
export const verifiedSessionSchema = z.object({
  keyId: z.uuid().meta({ description: 'the session id' }),
  principal: z.object({
    type: z.enum(USER_ROLES),
    id: z.string(),
    resellerId: z.string().nullable(),
    scopes: z.array(z.string()).meta({ description: `every scope (${API_SCOPES.length}): a session is full-power for its role` }),
    userId: z.uuid(),
    sessionId: z.uuid(),
  }),
  allowedIps: z.array(z.string()),
  rateLimit: z.null(),
  expiresAt: timestampSchema.meta({ description: 'the earlier of the absolute expiry and now + the idle timeout', example: EXAMPLE_TIME }),
});
