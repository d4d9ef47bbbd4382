// A reseller's referral codes (issue 19; the reseller plan's lead and referral tracking): a direct
// sign-up with a code becomes that reseller's customer, and the reseller sees the sign-ups per code.
// Codes are case-insensitive (stored upper-case) and unique across resellers.
import type { Page } from '@runfleet/contracts';
import { AppError } from '@runfleet/service-kit';
import { recordAudit } from '../data/audit.repository';
import { isUniqueViolation } from '../data/database-errors';
import {
  findResellersReferralCode,
  insertReferralCode,
  listReferralCodes as queryCodes,
  listSignups as querySignups,
  type ReferralCodeRecord,
  type ReferralCodeWithSignups,
  type SignupRecord,
} from '../data/referral-code.repository';
import { requireRole, type Actor } from './actor';
import { randomBase62 } from './api-key-format';
import type { UseCaseDeps } from './use-case-deps';

const codeNotFound = () => AppError.notFound('REFERRAL_CODE_NOT_FOUND', 'There is no referral code with this id.');
const codeTaken = () =>
  AppError.conflict('REFERRAL_CODE_TAKEN', 'This referral code is already in use.', { errors: [{ field: 'body.code', message: 'is already in use' }] });

export async function createReferralCode(deps: UseCaseDeps, actor: Actor, input: { code?: string; label?: string }): Promise<ReferralCodeWithSignups> {
  requireRole(actor, 'reseller');
  // 10 base62 characters, upper-cased: ~50 bits, plenty against guessing someone's code
  const code = (input.code ?? randomBase62(10)).toUpperCase();
  try {
    return await deps.prisma.$transaction(async (tx) => {
      const created: ReferralCodeRecord = await insertReferralCode(tx, { resellerId: actor.id, code, label: input.label ?? null });
      await recordAudit(tx, {
        actorType: actor.type,
        actorId: actor.id,
        action: 'referral_code.created',
        targetType: 'referral_code',
        targetId: created.id,
        details: { code: created.code },
        resellerId: actor.id,
      });
      return { ...created, signups: 0 };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw codeTaken();
    throw err;
  }
}

export function listReferralCodes(deps: UseCaseDeps, actor: Actor, page: { cursor?: string; limit: number }): Promise<Page<ReferralCodeWithSignups>> {
  requireRole(actor, 'reseller');
  return queryCodes(deps.prisma, actor.id, page);
}

export async function listSignups(deps: UseCaseDeps, actor: Actor, codeId: string, page: { cursor?: string; limit: number }): Promise<Page<SignupRecord>> {
  requireRole(actor, 'reseller');
  const code = await findResellersReferralCode(deps.prisma, actor.id, codeId);
  if (!code) throw codeNotFound();
  return querySignups(deps.prisma, code.id, page);
}
