// People by admins and resellers (issue 19): an invitation creates a user without a password and
// mails a link that sets the first one (POST /v1/auth/password-reset/confirm); the list shows an
// admin everyone, a reseller its staff and its customers' users. The demo seed's CLI creates a
// verified user with a password directly (createVerifiedUser).
import type { Page } from '@runfleet/contracts';
import { AppError } from '@runfleet/service-kit';
import { recordAudit } from '../data/audit.repository';
import { findCustomer } from '../data/customer.repository';
import { isUniqueViolation } from '../data/database-errors';
import { emitEvents, event } from '../data/outbox.repository';
import { findReseller } from '../data/reseller.repository';
import { findUserByEmail, insertUser, listUsers as queryUsers, normalizeEmail, type UserListFilters, type UserRecord, type UserRole, type UserScope } from '../data/user.repository';
import type { Db } from '../db';
import { requireRole, type Actor } from './actor';
import { issueMailToken } from './mail-tokens';
import { notFound } from './not-found';
import { assertStrongPassword, hashPassword } from './passwords';
import type { AccountDeps, UseCaseDeps } from './use-case-deps';

export interface NewUserInput {
  email: string;
  name: string;
  role: UserRole;
  resellerId?: string;
  customerId?: string;
}

const emailTaken = () =>
  AppError.conflict('USER_EMAIL_TAKEN', 'A user with this email already exists.', { errors: [{ field: 'body.email', message: 'is already registered' }] });

function missing(field: string, role: UserRole): AppError {
  return AppError.badRequest('VALIDATION_FAILED', `A ${role} user needs ${field}.`, { errors: [{ field: `body.${field}`, message: `is required for role ${role}` }] });
}

function notAllowed(field: string, role: UserRole): AppError {
  return AppError.badRequest('VALIDATION_FAILED', `A ${role} user has no ${field}.`, { errors: [{ field: `body.${field}`, message: `must not be set for role ${role}` }] });
}

/**
 * The reseller and customer a new user belongs to, checked against what the actor may see: a
 * reseller invites its own staff and its own customers' users; an admin anyone. Someone else's
 * reseller or customer answers 404 like a missing one.
 */
async function linksOf(db: Db, actor: Actor | null, input: NewUserInput): Promise<{ resellerId: string | null; customerId: string | null }> {
  if (input.role === 'admin') {
    if (actor && actor.type !== 'admin') throw AppError.forbidden('AUTH_FORBIDDEN', `A ${actor.type} may not create admins.`);
    if (input.resellerId !== undefined) throw notAllowed('resellerId', 'admin');
    if (input.customerId !== undefined) throw notAllowed('customerId', 'admin');
    return { resellerId: null, customerId: null };
  }
  if (input.role === 'reseller') {
    if (input.customerId !== undefined) throw notAllowed('customerId', 'reseller');
    const resellerId = input.resellerId ?? (actor?.type === 'reseller' ? actor.id : undefined);
    if (resellerId === undefined) throw missing('resellerId', 'reseller');
    if (actor?.type === 'reseller' && resellerId !== actor.id) throw notFound.reseller();
    if (!(await findReseller(db, resellerId))) throw notFound.reseller();
    return { resellerId, customerId: null };
  }
  if (input.customerId === undefined) throw missing('customerId', 'customer');
  if (input.resellerId !== undefined) throw notAllowed('resellerId', 'customer');
  const customer = await findCustomer(db, actor?.type === 'reseller' ? { resellerId: actor.id } : { all: true }, input.customerId);
  if (!customer) throw notFound.customer();
  return { resellerId: customer.resellerId, customerId: customer.id };
}

export async function inviteUser(deps: AccountDeps, actor: Actor, input: NewUserInput): Promise<UserRecord> {
  requireRole(actor, 'admin', 'reseller');
  const email = normalizeEmail(input.email);
  try {
    return await deps.prisma.$transaction(async (tx) => {
      const links = await linksOf(tx, actor, input);
      if (await findUserByEmail(tx, email)) throw emailTaken();
      const user = await insertUser(tx, { email, name: input.name, passwordHash: null, role: input.role, ...links });
      const mail = await issueMailToken(tx, deps, user.id, 'invitation');
      await emitEvents(tx, [event('user.invited', { userId: user.id, email, name: user.name, role: user.role, ...mail })]);
      await recordAudit(tx, {
        actorType: actor.type,
        actorId: actor.id,
        action: 'user.invited',
        targetType: 'user',
        targetId: user.id,
        details: { role: user.role, customerId: user.customerId },
        resellerId: user.resellerId,
      });
      return user;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw emailTaken();
    throw err;
  }
}

function userScopeOf(actor: Actor): UserScope {
  if (actor.type === 'admin') return { all: true };
  if (actor.type === 'reseller') return { resellerId: actor.id };
  return { customerId: actor.id };
}

export function listUsers(deps: UseCaseDeps, actor: Actor, filters: UserListFilters): Promise<Page<UserRecord>> {
  requireRole(actor, 'admin', 'reseller');
  return queryUsers(deps.prisma, userScopeOf(actor), filters);
}

/** For the demo seed and operators (cli/create-user.ts): a user who can sign in at once. */
export async function createVerifiedUser(deps: UseCaseDeps, input: NewUserInput & { password: string }): Promise<UserRecord> {
  const email = normalizeEmail(input.email);
  await assertStrongPassword(input.password, [email, input.name]);
  const passwordHash = await hashPassword(input.password);
  try {
    return await deps.prisma.$transaction(async (tx) => {
      const links = await linksOf(tx, null, input);
      if (await findUserByEmail(tx, email)) throw emailTaken();
      return insertUser(tx, { email, name: input.name, passwordHash, role: input.role, ...links, emailVerifiedAt: deps.now() });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw emailTaken();
    throw err;
  }
}
