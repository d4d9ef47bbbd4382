// The optional second factor (issue 19): TOTP (RFC 6238, SHA-1, 6 digits, 30 s — what authenticator
// apps expect) with the `otpauth` library. The secret is stored sealed (AES-256-GCM, bound to the
// user id, under a key of this service's own), pending until the user proves their app has it by confirming one code.
import { AppError } from '@runfleet/service-kit';
import { Secret, TOTP } from 'otpauth';
import { claimTotpStep, findUser, findUserSecrets, updateUser } from '../data/user.repository';
import { accountErrors } from './account-errors';
import type { AccountDeps } from './use-case-deps';

const ISSUER = 'Runfleet';
const TOTP_PURPOSE = 'totp:';

function totpOf(base32: string, label: string): TOTP {
  return new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(base32) });
}

const seal = (deps: AccountDeps, userId: string, base32: string) => deps.totpSecrets.seal(Buffer.from(base32), TOTP_PURPOSE + userId);
const open = (deps: Pick<AccountDeps, 'totpSecrets'>, userId: string, sealed: string) => deps.totpSecrets.open(sealed, TOTP_PURPOSE + userId)?.toString();

const PERIOD_MS = 30_000;

/**
 * The time step `code` belongs to when it is a current code of the sealed secret (one step of clock
 * drift either way), else null. Not yet an acceptance: `acceptTotpCode` also spends the step.
 */
export function totpCodeStep(deps: Pick<AccountDeps, 'totpSecrets'>, userId: string, sealedSecret: string, code: string, now: Date): number | null {
  const base32 = open(deps, userId, sealedSecret);
  if (base32 === undefined || !/^\d{6}$/.test(code)) return null;
  const delta = totpOf(base32, userId).validate({ token: code, timestamp: now.getTime(), window: 1 });
  return delta === null ? null : Math.floor(now.getTime() / PERIOD_MS) + delta;
}

/**
 * Whether `code` is a current code of the sealed secret that has not been used yet; accepting it
 * spends its time step and every earlier one, so a code seen once (over a shoulder, in a proxy's
 * log) cannot sign in again within its 30-second window.
 */
export async function acceptTotpCode(deps: Pick<AccountDeps, 'totpSecrets' | 'prisma'>, userId: string, sealedSecret: string, code: string, now: Date): Promise<boolean> {
  const step = totpCodeStep(deps, userId, sealedSecret, code, now);
  return step !== null && (await claimTotpStep(deps.prisma, userId, step));
}

const wrongCode = () =>
  AppError.unprocessable('AUTH_TOTP_CODE_WRONG', 'The code is not the current one.', { errors: [{ field: 'body.code', message: 'is not the current code' }] });

/** Starts (or restarts) setting up TOTP: a new pending secret, shown once to put in an app. */
export async function beginTotp(deps: AccountDeps, userId: string): Promise<{ secret: string; otpauthUrl: string }> {
  const user = await findUser(deps.prisma, userId);
  if (!user) throw accountErrors.sessionInvalid();
  if (user.totpEnabled) throw AppError.conflict('AUTH_TOTP_ALREADY_ENABLED', 'Two-factor sign-in is already on; turn it off first.');
  const secret = new Secret({ size: 20 }).base32;
  // a new secret: the steps spent with the previous one (if any) no longer matter
  await updateUser(deps.prisma, userId, { totpPendingSecret: seal(deps, userId, secret), totpLastStep: null });
  return { secret, otpauthUrl: totpOf(secret, user.email).toString() };
}

export async function confirmTotp(deps: AccountDeps, userId: string, code: string): Promise<void> {
  const secrets = await findUserSecrets(deps.prisma, userId);
  if (!secrets?.totpPendingSecret) throw AppError.conflict('AUTH_TOTP_NOT_PENDING', 'Start setting up two-factor sign-in first.');
  if (!(await acceptTotpCode(deps, userId, secrets.totpPendingSecret, code, deps.now()))) throw wrongCode();
  await updateUser(deps.prisma, userId, { totpSecret: secrets.totpPendingSecret, totpPendingSecret: null });
}

export async function disableTotp(deps: AccountDeps, userId: string, code: string): Promise<void> {
  const secrets = await findUserSecrets(deps.prisma, userId);
  if (!secrets?.totpSecret) throw AppError.conflict('AUTH_TOTP_NOT_ENABLED', 'Two-factor sign-in is not on.');
  if (!(await acceptTotpCode(deps, userId, secrets.totpSecret, code, deps.now()))) throw wrongCode();
  await updateUser(deps.prisma, userId, { totpSecret: null, totpPendingSecret: null });
}
