// API keys (DESIGN.md §2, §7; issue 4): who may create a key for whom, listing, revocation and
// rotation. The raw key exists only in the value returned by create/rotate; it is never stored,
// logged or put in an event or audit entry.
import { scopesBeyond, type Page } from '@runfleet/contracts';
import { AppError } from '@runfleet/service-kit';
import {
  findApiKey,
  insertApiKey,
  listApiKeys as queryApiKeys,
  lockApiKey,
  updateApiKey,
  type ApiKeyListFilters,
  type ApiKeyRecord,
  type ApiKeyScope,
  type KeyOwnerType,
} from '../data/api-key.repository';
import { recordAudit } from '../data/audit.repository';
import { findCustomer } from '../data/customer.repository';
import { emitEvents, event } from '../data/outbox.repository';
import { findReseller } from '../data/reseller.repository';
import type { Db } from '../db';
import type { Actor } from './actor';
import { displayPrefix, generateApiKey, hashApiKey } from './api-key-format';
import { customerScopeOf } from './customer-scope';
import { notFound } from './not-found';
import type { ApiKeyDeps, UseCaseDeps } from './use-case-deps';

export const DEFAULT_ROTATION_GRACE_SECONDS = 86_400;

export type ApiKeyStatus = 'active' | 'revoked' | 'expired';

export function apiKeyStatus(key: Pick<ApiKeyRecord, 'revokedAt' | 'expiresAt'>, now: Date): ApiKeyStatus {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt !== null && key.expiresAt <= now) return 'expired';
  return 'active';
}

export function apiKeyScopeOf(actor: Actor): ApiKeyScope {
  if (actor.type === 'admin') return { all: true };
  if (actor.type === 'reseller') return { resellerId: actor.id };
  return { ownerType: 'customer', ownerId: actor.id };
}

export interface CreateApiKeyInput {
  name: string;
  /** defaults to the caller's own type */
  ownerType?: KeyOwnerType;
  /** defaults to the caller itself when ownerType is the caller's type */
  ownerId?: string;
  scopes?: string[];
  allowedIps?: string[];
  rateLimitPerMinute?: number | null;
  expiresAt?: Date | null;
}

/** A key and, once only, its raw value. */
export interface IssuedApiKey {
  key: string;
  apiKey: ApiKeyRecord;
}

/** Kinds of owner an actor may never create keys for, refused before any id is looked at. */
function assertMayCreateFor(actor: Actor, ownerType: KeyOwnerType): void {
  const allowed = actor.type === 'admin' || (actor.type === 'reseller' ? ownerType !== 'admin' : ownerType === 'customer');
  if (!allowed) throw AppError.forbidden('APIKEY_OWNER_FORBIDDEN', `A ${actor.type} may not create keys for a ${ownerType}.`);
}

/**
 * Who may hold a key the actor creates (issue 4): an admin for admins, resellers and customers; a
 * reseller for itself and its own customers; a customer for itself. A named owner the actor cannot
 * see answers 404 like a missing one (assertMayCreateFor has refused the kinds it may never own).
 * Returns the reseller the key is filed under.
 */
async function resolveOwner(db: Db, actor: Actor, ownerType: KeyOwnerType, ownerId: string): Promise<string | null> {
  if (ownerType === 'admin') {
    // There is no admin table: an admin is the uuid its first key was minted for (see the bootstrap CLI).
    return null;
  }
  if (ownerType === 'reseller') {
    if (actor.type === 'reseller' && ownerId !== actor.id) throw notFound.reseller();
    const reseller = await findReseller(db, ownerId);
    if (!reseller) throw notFound.reseller();
    if (!reseller.active) throw AppError.conflict('RESELLER_SUSPENDED', 'The reseller is suspended; its keys would not verify.');
    return reseller.id;
  }
  const customer = await findCustomer(db, customerScopeOf(actor), ownerId);
  if (!customer) throw notFound.customer();
  if (!customer.active) throw AppError.conflict('CUSTOMER_INACTIVE', 'The customer is deactivated; its keys would not verify.');
  return customer.resellerId;
}

/**
 * A key never mints (or rotates into) a key with more scopes than its own (issue 12 defect 3): the
 * gateway only checks that the caller may create keys at all (api-keys:write).
 */
function assertScopesWithin(actor: Actor, wanted: readonly string[]): void {
  const beyond = scopesBeyond(actor.scopes ?? [], wanted);
  if (beyond.length === 0) return;
  const what = wanted.length === 0 ? 'every scope (an unscoped key)' : beyond.join(', ');
  throw AppError.forbidden('APIKEY_SCOPE_EXCEEDED', `The calling key may not grant ${what}: a key cannot mint a key with more scopes than its own.`, {
    errors: [{ field: 'body.scopes', message: `beyond the calling key's scopes: ${beyond.join(', ')}` }],
  });
}

function ownerIdFor(actor: Actor, ownerType: KeyOwnerType, ownerId: string | undefined): string {
  if (ownerId !== undefined) return ownerId;
  if (ownerType === actor.type) return actor.id;
  throw AppError.badRequest('VALIDATION_FAILED', `Name the ${ownerType} the key is for.`, {
    errors: [{ field: 'body.ownerId', message: `is required when ownerType is ${ownerType}` }],
  });
}

export async function createApiKey(deps: ApiKeyDeps, actor: Actor, input: CreateApiKeyInput): Promise<IssuedApiKey> {
  const now = deps.now();
  if (input.expiresAt && input.expiresAt <= now) {
    throw AppError.badRequest('VALIDATION_FAILED', 'The expiry is in the past.', {
      errors: [{ field: 'body.expiresAt', message: 'must be in the future' }],
    });
  }
  const ownerType = input.ownerType ?? actor.type;
  assertMayCreateFor(actor, ownerType);
  const ownerId = ownerIdFor(actor, ownerType, input.ownerId);
  // A scoped caller that names no scopes passes its own on; an unscoped caller's default stays unscoped.
  const scopes = input.scopes ?? [...(actor.scopes ?? [])];
  assertScopesWithin(actor, scopes);
  return deps.prisma.$transaction(async (tx) => {
    const resellerId = await resolveOwner(tx, actor, ownerType, ownerId);
    const generated = generateApiKey();
    const apiKey = await insertApiKey(tx, {
      lookupId: generated.lookupId,
      secretHash: hashApiKey(deps.apiKeyPepper, generated.raw),
      last4: generated.last4,
      ownerType,
      ownerId,
      resellerId,
      name: input.name,
      scopes,
      allowedIps: input.allowedIps ?? [],
      rateLimitPerMinute: input.rateLimitPerMinute ?? null,
      expiresAt: input.expiresAt ?? null,
      createdByType: actor.type,
      createdById: actor.id,
    });
    await recordAudit(tx, {
      actorType: actor.type,
      actorId: actor.id,
      action: 'apikey.created',
      targetType: 'apikey',
      targetId: apiKey.id,
      details: { name: apiKey.name, prefix: displayPrefix(apiKey.lookupId), ownerType, ownerId, scopes: apiKey.scopes },
      resellerId,
    });
    return { key: generated.raw, apiKey };
  });
}

export async function getApiKey(deps: UseCaseDeps, actor: Actor, keyId: string): Promise<ApiKeyRecord> {
  const key = await findApiKey(deps.prisma, apiKeyScopeOf(actor), keyId);
  if (!key) throw notFound.apiKey();
  return key;
}

export function listApiKeys(deps: UseCaseDeps, actor: Actor, filters: ApiKeyListFilters): Promise<Page<ApiKeyRecord>> {
  return queryApiKeys(deps.prisma, apiKeyScopeOf(actor), filters);
}

/**
 * Revocation takes effect at once: verification reads revoked_at on every call (no cache here). A
 * scoped key revokes only keys within its own scopes: `api-keys:write` alone must not switch off
 * the owner's wider keys (a leaked narrow key could otherwise take down the unscoped one).
 */
export async function revokeApiKey(deps: UseCaseDeps, actor: Actor, keyId: string): Promise<ApiKeyRecord> {
  return deps.prisma.$transaction(async (tx) => {
    const key = await lockApiKey(tx, apiKeyScopeOf(actor), keyId);
    if (!key) throw notFound.apiKey();
    const beyond = scopesBeyond(actor.scopes ?? [], key.scopes);
    if (beyond.length > 0) {
      throw AppError.forbidden('APIKEY_SCOPE_EXCEEDED', `The calling key may not revoke a key with more scopes than its own (${key.scopes.length === 0 ? 'every scope' : beyond.join(', ')}).`, {
        errors: [{ field: 'params.keyId', message: `the key holds scopes beyond the calling key's: ${beyond.join(', ')}` }],
      });
    }
    if (key.revokedAt !== null) {
      throw AppError.conflict('APIKEY_ALREADY_REVOKED', `The key's status is revoked (since ${key.revokedAt.toISOString()}).`);
    }
    const revoked = await updateApiKey(tx, keyId, { revokedAt: deps.now() });
    const prefix = displayPrefix(revoked.lookupId);
    await emitEvents(tx, [
      event('apikey.revoked', { keyId: revoked.id, prefix, ownerType: revoked.ownerType, ownerId: revoked.ownerId }),
    ]);
    await recordAudit(tx, {
      actorType: actor.type,
      actorId: actor.id,
      action: 'apikey.revoked',
      targetType: 'apikey',
      targetId: revoked.id,
      details: { name: revoked.name, prefix, ownerType: revoked.ownerType, ownerId: revoked.ownerId },
      resellerId: revoked.resellerId,
    });
    return revoked;
  });
}

/**
 * Issues a successor with the same owner, name, scopes, IP list, rate limit and expiry, and lets the
 * old key work until min(its expiry, now + grace) so clients can switch without downtime;
 * apikey.rotated tells the gateway the old key's new expiry.
 */
export async function rotateApiKey(
  deps: ApiKeyDeps,
  actor: Actor,
  keyId: string,
  graceSeconds: number = DEFAULT_ROTATION_GRACE_SECONDS,
): Promise<IssuedApiKey & { previous: ApiKeyRecord }> {
  const now = deps.now();
  return deps.prisma.$transaction(async (tx) => {
    const old = await lockApiKey(tx, apiKeyScopeOf(actor), keyId);
    if (!old) throw notFound.apiKey();
    const status = apiKeyStatus(old, now);
    if (status !== 'active') {
      throw AppError.conflict('APIKEY_NOT_ACTIVE', `The key's status is ${status}; only an active key can be rotated.`);
    }
    // The successor inherits the old key's scopes: rotating must not launder a wider key to a narrower caller.
    assertScopesWithin(actor, old.scopes);
    const graceEnd = new Date(now.getTime() + graceSeconds * 1000);
    const oldKeyExpiresAt = old.expiresAt !== null && old.expiresAt < graceEnd ? old.expiresAt : graceEnd;
    const previous = await updateApiKey(tx, old.id, { expiresAt: oldKeyExpiresAt });
    const generated = generateApiKey();
    const apiKey = await insertApiKey(tx, {
      lookupId: generated.lookupId,
      secretHash: hashApiKey(deps.apiKeyPepper, generated.raw),
      last4: generated.last4,
      ownerType: old.ownerType,
      ownerId: old.ownerId,
      resellerId: old.resellerId,
      name: old.name,
      scopes: old.scopes,
      allowedIps: old.allowedIps,
      rateLimitPerMinute: old.rateLimitPerMinute,
      expiresAt: old.expiresAt,
      createdByType: actor.type,
      createdById: actor.id,
      rotatedFromId: old.id,
    });
    // The gateway caches verified keys: without this event the old key would keep working until its
    // cache entry expired, even with a grace of 0 (issue 12 defect 2).
    await emitEvents(tx, [
      event('apikey.rotated', {
        keyId: old.id,
        prefix: displayPrefix(old.lookupId),
        newKeyId: apiKey.id,
        newPrefix: displayPrefix(apiKey.lookupId),
        ownerType: old.ownerType,
        ownerId: old.ownerId,
        oldKeyExpiresAt: oldKeyExpiresAt.toISOString(),
      }),
    ]);
    await recordAudit(tx, {
      actorType: actor.type,
      actorId: actor.id,
      action: 'apikey.rotated',
      targetType: 'apikey',
      targetId: old.id,
      details: {
        prefix: displayPrefix(old.lookupId),
        newKeyId: apiKey.id,
        newPrefix: displayPrefix(apiKey.lookupId),
        graceSeconds,
        oldKeyExpiresAt: previous.expiresAt?.toISOString() ?? null,
      },
      resellerId: old.resellerId,
    });
    return { key: generated.raw, apiKey, previous };
  });
}
