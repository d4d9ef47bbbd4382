// People (app_user, issue 19). Views never select the password hash or TOTP secrets; the login
// read does, and the lockout counter moves only by single conditional UPDATEs, so concurrent
// sign-ins on several replicas agree (PostgreSQL row locks order them).
import type { Page } from '@runfleet/contracts';
import { afterCursor, NEWEST_FIRST, toPage } from '@runfleet/service-kit';
import type { Db, Prisma } from '../db';

export type UserRole = 'admin' | 'reseller' | 'customer';

const userSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  resellerId: true,
  customerId: true,
  emailVerifiedAt: true,
  totpSecret: true,
  createdAt: true,
} satisfies Prisma.AppUserSelect;

type UserRow = Prisma.AppUserGetPayload<{ select: typeof userSelect }>;

/** A user as the API shows it (no hash, no secret: only whether TOTP is on). */
export interface UserRecord {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  resellerId: string | null;
  customerId: string | null;
  emailVerifiedAt: Date | null;
  totpEnabled: boolean;
  createdAt: Date;
}

const toRecord = ({ totpSecret, ...row }: UserRow): UserRecord => ({ ...row, role: row.role as UserRole, totpEnabled: totpSecret !== null });

/** What signing in needs: the record plus the hash, the sealed TOTP secret and the lock. */
export interface UserForLogin extends UserRecord {
  passwordHash: string | null;
  totpSecret: string | null;
  lockedUntil: Date | null;
  /** admins: always; reseller staff and customers' users: their reseller's or customer's `active` */
  ownerActive: boolean;
}

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string | null;
  role: UserRole;
  resellerId: string | null;
  customerId: string | null;
  referralCodeId?: string | null;
  emailVerifiedAt?: Date | null;
}

/** Which users a caller may list: all (admin), a reseller's staff and its customers' users, or one customer's. */
export type UserScope = { all: true } | { resellerId: string } | { customerId: string };

function scopeWhere(scope: UserScope): Prisma.AppUserWhereInput {
  if ('all' in scope) return {};
  if ('resellerId' in scope) return { resellerId: scope.resellerId };
  return { customerId: scope.customerId };
}

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export async function insertUser(db: Db, data: NewUser): Promise<UserRecord> {
  return toRecord(await db.appUser.create({ data, select: userSelect }));
}

export async function findUser(db: Db, id: string): Promise<UserRecord | null> {
  const row = await db.appUser.findUnique({ where: { id }, select: userSelect });
  return row && toRecord(row);
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRecord | null> {
  const row = await db.appUser.findUnique({ where: { email: normalizeEmail(email) }, select: userSelect });
  return row && toRecord(row);
}

export async function findUserForLogin(db: Db, email: string): Promise<UserForLogin | null> {
  const row = await db.appUser.findUnique({
    where: { email: normalizeEmail(email) },
    select: { ...userSelect, passwordHash: true, lockedUntil: true, reseller: { select: { active: true } }, customer: { select: { active: true } } },
  });
  if (!row) return null;
  const { passwordHash, lockedUntil, reseller, customer, ...rest } = row;
  const ownerActive = rest.role === 'admin' || (rest.role === 'reseller' ? reseller?.active === true : customer?.active === true);
  return { ...toRecord(rest), passwordHash, totpSecret: rest.totpSecret, lockedUntil, ownerActive };
}

export async function findUserSecrets(db: Db, id: string): Promise<{ passwordHash: string | null; totpSecret: string | null; totpPendingSecret: string | null } | null> {
  return db.appUser.findUnique({ where: { id }, select: { passwordHash: true, totpSecret: true, totpPendingSecret: true } });
}

/**
 * Counts one failed sign-in, unless the account is locked (a locked account's attempts change
 * nothing). A lock that has run out starts the count again at 1. Reaching `maxFailures` locks the
 * account until `now + lockMs`. Returns the new lock when this failure set it, else null.
 */
export async function recordFailedLogin(db: Db, userId: string, now: Date, maxFailures: number, lockMs: number): Promise<Date | null> {
  const lockUntil = new Date(now.getTime() + lockMs);
  const rows = await db.$queryRaw<{ lockedUntil: Date | null; justLocked: boolean }[]>`
    UPDATE "app_user"
       SET failed_logins = CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_logins + 1 END,
           locked_until = CASE WHEN (CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_logins + 1 END) >= ${maxFailures}
                               THEN ${lockUntil}::timestamptz ELSE NULL END,
           updated_at = ${now}::timestamptz
     WHERE id = ${userId}::uuid AND (locked_until IS NULL OR locked_until <= ${now}::timestamptz)
 RETURNING locked_until AS "lockedUntil", locked_until IS NOT NULL AS "justLocked"`;
  const row = rows[0];
  return row?.justLocked ? row.lockedUntil : null;
}

/**
 * Claims TOTP time step `step` for the user: true when it is later than the last one accepted (a
 * code works once, RFC 6238 §5.2); one conditional UPDATE, so of two racing uses one wins.
 */
export async function claimTotpStep(db: Db, userId: string, step: number): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE "app_user" SET totp_last_step = ${step}
     WHERE id = ${userId}::uuid AND (totp_last_step IS NULL OR totp_last_step < ${step})`;
  return count > 0;
}

/**
 * Clears the failure count of a successful sign-in, only if the account is not locked at `now`.
 * False: it is locked (perhaps by an attempt racing this one), and the sign-in must be refused.
 */
export async function clearFailedLogins(db: Db, userId: string, now: Date): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE "app_user" SET failed_logins = 0, locked_until = NULL
     WHERE id = ${userId}::uuid AND (locked_until IS NULL OR locked_until <= ${now}::timestamptz)`;
  return count > 0;
}

export async function updateUser(
  db: Db,
  id: string,
  changes: Partial<{
    passwordHash: string;
    passwordChangedAt: Date;
    emailVerifiedAt: Date;
    failedLogins: number;
    lockedUntil: Date | null;
    totpSecret: string | null;
    totpPendingSecret: string | null;
    totpLastStep: number | null;
  }>,
): Promise<UserRecord> {
  return toRecord(await db.appUser.update({ where: { id }, data: changes, select: userSelect }));
}

export interface UserListFilters {
  role?: UserRole;
  cursor?: string;
  limit: number;
}

export async function listUsers(db: Db, scope: UserScope, filters: UserListFilters): Promise<Page<UserRecord>> {
  const where: Prisma.AppUserWhereInput = {
    AND: [scopeWhere(scope), filters.role !== undefined ? { role: filters.role } : {}, afterCursor(filters.cursor)],
  };
  const rows = await db.appUser.findMany({ where, orderBy: NEWEST_FIRST, take: filters.limit + 1, select: userSelect });
  return toPage(rows.map(toRecord), filters.limit);
}
