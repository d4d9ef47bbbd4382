// Resellers' referral codes (referral_code, issue 19) and the sign-ups each brought: the users who
// signed up with it (app_user.referral_code_id) and the customers they became.
import type { Page } from '@runfleet/contracts';
import { afterCursor, NEWEST_FIRST, toPage } from '@runfleet/service-kit';
import type { Db, Prisma } from '../db';

const codeSelect = { id: true, resellerId: true, code: true, label: true, createdAt: true } satisfies Prisma.ReferralCodeSelect;
export type ReferralCodeRecord = Prisma.ReferralCodeGetPayload<{ select: typeof codeSelect }>;
export type ReferralCodeWithSignups = ReferralCodeRecord & { signups: number };

export async function insertReferralCode(db: Db, data: { resellerId: string; code: string; label: string | null }): Promise<ReferralCodeRecord> {
  return db.referralCode.create({ data, select: codeSelect });
}

/** A code as typed at sign-up (any case), with its reseller's state. */
export async function findReferralCodeByCode(db: Db, code: string): Promise<(ReferralCodeRecord & { resellerActive: boolean; currency: string }) | null> {
  const row = await db.referralCode.findUnique({
    where: { code: code.toUpperCase() },
    select: { ...codeSelect, reseller: { select: { active: true, currency: true } } },
  });
  if (!row) return null;
  const { reseller, ...code_ } = row;
  return { ...code_, resellerActive: reseller.active, currency: reseller.currency };
}

export async function findResellersReferralCode(db: Db, resellerId: string, id: string): Promise<ReferralCodeRecord | null> {
  return db.referralCode.findFirst({ where: { id, resellerId }, select: codeSelect });
}

export async function listReferralCodes(db: Db, resellerId: string, filters: { cursor?: string; limit: number }): Promise<Page<ReferralCodeWithSignups>> {
  const rows = await db.referralCode.findMany({
    where: { AND: [{ resellerId }, afterCursor(filters.cursor)] },
    orderBy: NEWEST_FIRST,
    take: filters.limit + 1,
    select: { ...codeSelect, _count: { select: { signups: true } } },
  });
  return toPage(
    rows.map(({ _count, ...row }) => ({ ...row, signups: _count.signups })),
    filters.limit,
  );
}

export interface SignupRecord {
  /** the user who signed up (its id is the page cursor's) */
  id: string;
  userId: string;
  email: string;
  name: string;
  customerId: string;
  customerName: string;
  emailVerified: boolean;
  createdAt: Date;
}

export async function listSignups(db: Db, referralCodeId: string, filters: { cursor?: string; limit: number }): Promise<Page<SignupRecord>> {
  const rows = await db.appUser.findMany({
    where: { AND: [{ referralCodeId }, afterCursor(filters.cursor)] },
    orderBy: NEWEST_FIRST,
    take: filters.limit + 1,
    select: { id: true, email: true, name: true, customerId: true, emailVerifiedAt: true, createdAt: true, customer: { select: { name: true } } },
  });
  return toPage(
    rows.map((row) => ({
      id: row.id,
      userId: row.id,
      email: row.email,
      name: row.name,
      customerId: row.customerId ?? '',
      customerName: row.customer?.name ?? '',
      emailVerified: row.emailVerifiedAt !== null,
      createdAt: row.createdAt,
    })),
    filters.limit,
  );
}
