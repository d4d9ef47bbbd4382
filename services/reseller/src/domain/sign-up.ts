// A person signs up (issue 19; DESIGN.md §2 "User"): a new customer and its user, direct or — with a
// reseller's referral code — that reseller's customer, counted as a sign-up of the code. The user
// must verify their email before signing in (a mail with a one-time link). The answer is the same
// whether or not the email was already registered, so sign-up cannot probe for accounts.
import { AppError } from '@runfleet/service-kit';
import { recordAudit } from '../data/audit.repository';
import { insertCustomer } from '../data/customer.repository';
import { isUniqueViolation } from '../data/database-errors';
import { emitEvents, event } from '../data/outbox.repository';
import { findReferralCodeByCode } from '../data/referral-code.repository';
import { findUserByEmail, insertUser, normalizeEmail } from '../data/user.repository';
import { DEFAULT_CURRENCY } from './create-customer';
import { issueMailToken } from './mail-tokens';
import { assertStrongPassword, hashPassword } from './passwords';
import type { AccountDeps } from './use-case-deps';

export interface SignUpInput {
  email: string;
  password: string;
  name: string;
  referralCode?: string;
}

const unknownReferralCode = () =>
  AppError.unprocessable('REFERRAL_CODE_UNKNOWN', 'There is no such referral code.', {
    errors: [{ field: 'body.referralCode', message: 'is not a known referral code' }],
  });

export async function signUp(deps: AccountDeps, input: SignUpInput): Promise<void> {
  const email = normalizeEmail(input.email);
  await assertStrongPassword(input.password, [email, input.name]);
  // Hashed before looking the email up, so a known email answers as slowly as a new one.
  const passwordHash = await hashPassword(input.password);
  try {
    await deps.prisma.$transaction(async (tx) => {
      const code = input.referralCode === undefined ? null : await findReferralCodeByCode(tx, input.referralCode);
      if (input.referralCode !== undefined && (!code || !code.resellerActive)) throw unknownReferralCode();
      const existing = await findUserByEmail(tx, email);
      if (existing) {
        // Not said to the caller. An unverified account gets a fresh link (the first mail may be lost).
        if (existing.emailVerifiedAt === null && existing.role === 'customer') {
          const mail = await issueMailToken(tx, deps, existing.id, 'email_verification');
          await emitEvents(tx, [event('user.email_verification_requested', { userId: existing.id, email, name: existing.name, ...mail })]);
        }
        return;
      }
      const resellerId = code?.resellerId ?? null;
      const customer = await insertCustomer(tx, { resellerId, name: input.name, email, currency: code?.currency ?? DEFAULT_CURRENCY });
      const user = await insertUser(tx, {
        email,
        name: input.name,
        passwordHash,
        role: 'customer',
        resellerId,
        customerId: customer.id,
        referralCodeId: code?.id ?? null,
      });
      const mail = await issueMailToken(tx, deps, user.id, 'email_verification');
      await emitEvents(tx, [
        event('customer.created', { customerId: customer.id, resellerId, email, name: customer.name, currency: customer.currency }),
        event('user.registered', {
          userId: user.id,
          email,
          name: user.name,
          role: 'customer',
          resellerId,
          customerId: customer.id,
          referralCode: code?.code ?? null,
        }),
        event('user.email_verification_requested', { userId: user.id, email, name: user.name, ...mail }),
      ]);
      await recordAudit(tx, {
        actorType: 'customer',
        actorId: customer.id,
        action: 'user.registered',
        targetType: 'user',
        targetId: user.id,
        details: { role: 'customer', referralCode: code?.code ?? null },
        resellerId,
      });
    });
  } catch (err) {
    // Two sign-ups with one email at once: the loser answers like any known email.
    if (isUniqueViolation(err)) return;
    throw err;
  }
}
