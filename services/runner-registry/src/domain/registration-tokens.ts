// Registration tokens (DESIGN.md §2 "runner-registry", issue 14 item 1): an admin creates them for
// shared runners, a customer for its own runners (which then run only its jobs). Shown once, stored
// as an HMAC; description, expiry, optional use limit, revocable. The raw token is only in the
// value create returns; it is never stored, logged or put in an event.
import type { Page } from '@runfleet/contracts';
import { AppError } from '@runfleet/service-kit';
import { findCustomerAccount } from '../data/account.repository';
import {
  findRegistrationToken,
  insertRegistrationToken,
  listRegistrationTokens as queryTokens,
  lockRegistrationToken,
  updateRegistrationToken,
  type RegistrationTokenListFilters,
  type RegistrationTokenRecord,
} from '../data/registration-token.repository';
import { ownerScopeOf, requireRole, type Actor } from './actor';
import { fieldError, notFound } from './registry-errors';
import { generateToken, hashToken, REGISTRATION_TOKEN_PREFIX } from './token-format';
import type { TokenDeps, UseCaseDeps } from './use-case-deps';

export type RegistrationTokenStatus = 'active' | 'revoked' | 'expired' | 'used_up';

export function registrationTokenStatus(t: Pick<RegistrationTokenRecord, 'revokedAt' | 'expiresAt' | 'maxUses' | 'uses'>, now: Date): RegistrationTokenStatus {
  if (t.revokedAt !== null) return 'revoked';
  if (t.expiresAt !== null && t.expiresAt <= now) return 'expired';
  if (t.maxUses !== null && t.uses >= t.maxUses) return 'used_up';
  return 'active';
}

export interface CreateRegistrationTokenInput {
  description: string;
  /** admins only: a token for this customer's runners; absent: a shared token */
  customerId?: string;
  expiresAt?: Date | null;
  maxUses?: number | null;
}

export interface IssuedRegistrationToken {
  token: string;
  record: RegistrationTokenRecord;
}

async function ownerOf(deps: UseCaseDeps, actor: Actor, customerId: string | undefined): Promise<{ customerId: string | null; resellerId: string | null }> {
  if (actor.type === 'customer') {
    if (customerId !== undefined && customerId !== actor.id) {
      throw fieldError('body.customerId', 'a customer creates tokens only for its own runners');
    }
    return { customerId: actor.id, resellerId: actor.resellerId };
  }
  if (customerId === undefined) return { customerId: null, resellerId: null };
  const customer = await findCustomerAccount(deps.prisma, customerId);
  if (!customer) throw AppError.notFound('CUSTOMER_NOT_FOUND', 'There is no customer with this id.');
  return { customerId, resellerId: customer.resellerId };
}

export async function createRegistrationToken(deps: TokenDeps, actor: Actor, input: CreateRegistrationTokenInput): Promise<IssuedRegistrationToken> {
  requireRole(actor, 'admin', 'customer');
  if (input.expiresAt && input.expiresAt <= deps.now()) throw fieldError('body.expiresAt', 'must be in the future');
  const owner = await ownerOf(deps, actor, input.customerId);
  const generated = generateToken(REGISTRATION_TOKEN_PREFIX);
  const record = await insertRegistrationToken(deps.prisma, {
    lookupId: generated.lookupId,
    secretHash: hashToken(deps.tokenPepper, generated.raw),
    last4: generated.last4,
    scope: owner.customerId === null ? 'shared' : 'customer',
    customerId: owner.customerId,
    resellerId: owner.resellerId,
    description: input.description,
    expiresAt: input.expiresAt ?? null,
    maxUses: input.maxUses ?? null,
    createdByType: actor.type,
    createdById: actor.id,
  });
  return { token: generated.raw, record };
}

export async function getRegistrationToken(deps: UseCaseDeps, actor: Actor, id: string): Promise<RegistrationTokenRecord> {
  const token = await findRegistrationToken(deps.prisma, ownerScopeOf(actor), id);
  if (!token) throw notFound.registrationToken();
  return token;
}

export function listRegistrationTokens(deps: UseCaseDeps, actor: Actor, filters: RegistrationTokenListFilters): Promise<Page<RegistrationTokenRecord>> {
  return queryTokens(deps.prisma, ownerScopeOf(actor), filters);
}

/** Takes effect at once: registration re-reads the token under its row lock. Runners it registered keep working. */
export async function revokeRegistrationToken(deps: UseCaseDeps, actor: Actor, id: string): Promise<RegistrationTokenRecord> {
  requireRole(actor, 'admin', 'customer');
  return deps.prisma.$transaction(async (tx) => {
    const token = await lockRegistrationToken(tx, ownerScopeOf(actor), id);
    if (!token) throw notFound.registrationToken();
    if (token.revokedAt !== null) {
      throw AppError.conflict('REGISTRATION_TOKEN_ALREADY_REVOKED', `The token is revoked (since ${token.revokedAt.toISOString()}).`);
    }
    return updateRegistrationToken(tx, id, { revokedAt: deps.now() });
  });
}
