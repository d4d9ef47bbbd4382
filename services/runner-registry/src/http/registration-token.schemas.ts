// Request and response schemas of the registration-token routes, and the JSON view of a token
// (never its hash; the raw token only in the create response).
import { z } from 'zod';
import type { RegistrationTokenRecord } from '../data/registration-token.repository';
import { registrationTokenStatus } from '../domain/registration-tokens';
import { REGISTRATION_TOKEN_PREFIX } from '../domain/token-format';
import { EXAMPLE_IDS, EXAMPLE_TIME, iso, isoOrNull, nullableTimestampSchema, timestampSchema } from './common.schemas';

export const createRegistrationTokenBody = z
  .strictObject({
    description: z.string().trim().min(1).max(200).meta({ example: 'render farm, rack 3' }),
    customerId: z
      .uuid()
      .optional()
      .meta({ description: "admins: a token for this customer's runners (absent: a shared token); a customer's tokens are always its own" }),
    expiresAt: z.iso
      .datetime({ offset: true })
      .transform((v) => new Date(v))
      .nullable()
      .optional()
      .meta({ description: 'must be in the future; absent: never expires', example: '2027-01-01T00:00:00Z' }),
    maxUses: z.number().int().min(1).max(1_000_000).nullable().optional().meta({ description: 'runners it may register; absent: unlimited', example: 10 }),
  })
  .meta({ example: { description: 'render farm, rack 3', maxUses: 10 } });

const tokenObject = z.object({
  id: z.uuid(),
  prefix: z.string().meta({ description: `public part of the token: ${REGISTRATION_TOKEN_PREFIX}<lookupId>` }),
  last4: z.string(),
  scope: z.enum(['shared', 'customer']).meta({ description: "shared runners run any customer's jobs; a customer's only its own" }),
  customerId: z.uuid().nullable(),
  resellerId: z.uuid().nullable(),
  description: z.string(),
  status: z.enum(['active', 'revoked', 'expired', 'used_up']),
  expiresAt: nullableTimestampSchema,
  maxUses: z.number().int().nullable(),
  uses: z.number().int().meta({ description: 'runners registered with it so far' }),
  revokedAt: nullableTimestampSchema,
  createdAt: timestampSchema,
  createdBy: z.object({ type: z.string(), id: z.string() }),
});

const TOKEN_EXAMPLE = {
  id: EXAMPLE_IDS.registrationToken,
  prefix: 'rf_rg_Qm3kT9xB2mLp',
  last4: 'x9Qa',
  scope: 'customer',
  customerId: EXAMPLE_IDS.customer,
  resellerId: EXAMPLE_IDS.reseller,
  description: 'render farm, rack 3',
  status: 'active',
  expiresAt: null,
  maxUses: 10,
  uses: 1,
  revokedAt: null,
  createdAt: EXAMPLE_TIME,
  createdBy: { type: 'customer', id: EXAMPLE_IDS.customer },
};

export const registrationTokenSchema = tokenObject.meta({ example: TOKEN_EXAMPLE });
const EXAMPLE_RAW = 'rf_rg_Qm3kT9xB2mLp_Vb8Jm2Qw4Er6Ty8Ui0Op2As4Df6Gh8Jk0Lz2Xc4Vb6Nx9Qa';
export const issuedRegistrationTokenSchema = tokenObject
  .extend({ token: z.string().meta({ description: 'the token itself, shown this once and never again', example: EXAMPLE_RAW }) })
  .meta({ example: { ...TOKEN_EXAMPLE, uses: 0, token: EXAMPLE_RAW } });

export const registrationTokenJson = (t: RegistrationTokenRecord, now: Date): z.infer<typeof registrationTokenSchema> => ({
  id: t.id,
  prefix: `${REGISTRATION_TOKEN_PREFIX}${t.lookupId}`,
  last4: t.last4,
  scope: t.scope,
  customerId: t.customerId,
  resellerId: t.resellerId,
  description: t.description,
  status: registrationTokenStatus(t, now),
  expiresAt: isoOrNull(t.expiresAt),
  maxUses: t.maxUses,
  uses: t.uses,
  revokedAt: isoOrNull(t.revokedAt),
  createdAt: iso(t.createdAt),
  createdBy: { type: t.createdByType, id: t.createdById },
});
