// One-time tokens mailed to a person (issue 19): email verification, password reset, invitation.
// 256 random bits; the database keeps only HMAC-SHA256(pepper, token), and the raw token leaves this
// service only sealed for notifications (the mail events' `sealedToken`), which opens it to build
// the link. A token is used once: consuming it is one conditional UPDATE (user-token.repository.ts).
import { randomBytes } from 'node:crypto';
import { SealedBox, sealingKey } from '@runfleet/service-kit';
import { hashApiKey } from './api-key-format';

export type TokenPurpose = 'email_verification' | 'password_reset' | 'invitation';

/** Verification and reset links work for 30 minutes (issue 19); an invitation for 3 days. */
export const TOKEN_TTL_MS: Record<TokenPurpose, number> = {
  email_verification: 30 * 60_000,
  password_reset: 30 * 60_000,
  invitation: 72 * 3600_000,
};

/** The key notifications opens `sealedToken` with: both derive it from PRINCIPAL_SECRET. */
export function mailTokenBox(principalSecret: string): SealedBox {
  return new SealedBox(sealingKey(principalSecret, 'runfleet', 'account-mail-token'));
}

export function generateOneTimeToken(): string {
  return randomBytes(32).toString('base64url');
}

export const hashOneTimeToken = hashApiKey;

/** The token as the mail event carries it: sealed, bound to the user it was issued for. */
export function sealForMail(box: SealedBox, token: string, userId: string): string {
  return box.seal(Buffer.from(token, 'utf8'), userId);
}
