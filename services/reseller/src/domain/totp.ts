// The optional second factor (issue 19): TOTP (RFC 6238, SHA-1, 6 digits, 30 s — what authenticator
// apps expect) with the `otpauth` library. The secret is stored sealed (AES-256-GCM, bound to the
// user id), pending until the user proves their app has it by confirming one code.
import { AppError } from '@runfleet/service-kit';
import { Secret, TOTP } from 'otpauth';
import { findUser, findUserSecrets, updateUser } from '../data/user.repository';
import { accountErrors } from './account-errors';
import type { AccountDeps } from './use-case-deps';

const ISSUER = 'Runfleet';
const TOTP_PURPOSE = 'totp:';

function totpOf(base32: string, label: string): TOTP {
  return new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(base32) });
}

const seal = (deps: AccountDeps, userId: string, base32: string) => deps.mailTokens.seal(Buffer.from(base32), TOTP_PURPOSE + userId);
const open = (deps: Pick<AccountDeps, 'mailTokens'>, userId: string, sealed: string) => deps.mailTokens.open(sealed, TOTP_PURPOSE + userId)?.toString();

/** Whether `code` is the current code of the sealed secret (one step of clock drift either way). */
export function totpCodeMatches(deps: Pick<AccountDeps, 'mailTokens'>, userId: string, sealedSecret: string, code: string, now: Date): boolean {
  const base32 = open(deps, userId, sealedSecret);
  if (base32 === undefined || !/^\d{6}$/.test(code)) return false;
  return totpOf(base32, userId).validate({ token: code, timestamp: now.getTime(), window: 1 }) !== null;
}

const wrongCode = () =>
  AppError.unprocessable('AUTH_TOTP_CODE_WRONG', 'The code is not the current one.', { errors: [{ field: 'body.code', message: 'is not the current code' }] });

/** Starts (or restarts) setting up TOTP: a new pending secret, shown once to put in an app. */
export async function beginTotp(deps: AccountDeps, userId: string): Promise<{ secret: string; otpauthUrl: string }> {
  const user = await findUser(deps.prisma, userId);
  if (!user) throw accountErrors.sessionInvalid();
  if (user.totpEnabled) throw AppError.conflict('AUTH_TOTP_ALREADY_ENABLED', 'Two-factor sign-in is already on; turn it off first.');
  const secret = new Secret({ size: 20 }).base32;
  await updateUser(deps.prisma, userId, { totpPendingSecret: seal(deps, userId, secret) });
  return { secret, otpauthUrl: totpOf(secret, user.email).toString() };
}

export async function confirmTotp(deps: AccountDeps, userId: string, code: string): Promise<void> {
  const secrets = await findUserSecrets(deps.prisma, userId);
  if (!secrets?.totpPendingSecret) throw AppError.conflict('AUTH_TOTP_NOT_PENDING', 'Start setting up two-factor sign-in first.');
  if (!totpCodeMatches(deps, userId, secrets.totpPendingSecret, code, deps.now())) throw wrongCode();
  await updateUser(deps.prisma, userId, { totpSecret: secrets.totpPendingSecret, totpPendingSecret: null });
}

export async function disableTotp(deps: AccountDeps, userId: string, code: string): Promise<void> {
  const secrets = await findUserSecrets(deps.prisma, userId);
  if (!secrets?.totpSecret) throw AppError.conflict('AUTH_TOTP_NOT_ENABLED', 'Two-factor sign-in is not on.');
  if (!totpCodeMatches(deps, userId, secrets.totpSecret, code, deps.now())) throw wrongCode();
  await updateUser(deps.prisma, userId, { totpSecret: null, totpPendingSecret: null });
}
