// The gateway's check of the registry's two credentials (issue 14 item 1): a raw token in, the
// principal it stands for out, in the shape of the reseller's API-key verification so the gateway
// treats them alike. Every reason a token does not work gives the same 401.
import { AppError } from '@runfleet/service-kit';
import { findRegistrationTokenForVerification } from '../data/registration-token.repository';
import { findRunnerForVerification } from '../data/runner.repository';
import { REGISTER_SCOPE } from './actor';
import { registrationTokenStatus } from './registration-tokens';
import { DUMMY_HASH, hashToken, lookupIdOf, REGISTRATION_TOKEN_PREFIX, RUNNER_TOKEN_PREFIX, tokenMatchesHash } from './token-format';
import type { TokenDeps } from './use-case-deps';

export interface VerifiedToken {
  keyId: string;
  principal: { type: 'runner'; id: string; resellerId: null; scopes: string[] };
  allowedIps: string[];
  rateLimit: null;
  expiresAt: string | null;
}

export const invalidToken = () => AppError.unauthorized('AUTH_TOKEN_INVALID', 'The token is not valid.');

/** A runner token: its runner's principal, unless the runner is disabled or deleted. */
export async function verifyRunnerToken(deps: TokenDeps, raw: string): Promise<VerifiedToken> {
  const lookupId = lookupIdOf(RUNNER_TOKEN_PREFIX, raw);
  const runner = lookupId === null ? null : await findRunnerForVerification(deps.prisma, lookupId);
  const matches = tokenMatchesHash(deps.tokenPepper, raw, runner?.secretHash ?? DUMMY_HASH);
  if (!runner || !matches || runner.status === 'disabled') throw invalidToken();
  return {
    keyId: runner.id,
    principal: { type: 'runner', id: runner.id, resellerId: null, scopes: [] },
    allowedIps: [],
    rateLimit: null,
    expiresAt: null,
  };
}

/**
 * A registration token: a runner principal whose id is the token's and whose only scope is
 * REGISTER_SCOPE, good for POST /v1/runners and nothing else (actor.ts).
 */
export async function verifyRegistrationToken(deps: TokenDeps, raw: string): Promise<VerifiedToken> {
  const lookupId = lookupIdOf(REGISTRATION_TOKEN_PREFIX, raw);
  if (lookupId === null) {
    hashToken(deps.tokenPepper, raw);
    throw invalidToken();
  }
  const token = await findRegistrationTokenForVerification(deps.prisma, lookupId);
  const matches = tokenMatchesHash(deps.tokenPepper, raw, token?.secretHash ?? DUMMY_HASH);
  if (!token || !matches || registrationTokenStatus(token, deps.now()) !== 'active') throw invalidToken();
  return {
    keyId: token.id,
    principal: { type: 'runner', id: token.id, resellerId: null, scopes: [REGISTER_SCOPE] },
    allowedIps: [],
    rateLimit: null,
    expiresAt: token.expiresAt?.toISOString() ?? null,
  };
}
