// Request and response schemas of the API-key routes, and the JSON view of a key (never the hash;
// the raw key only in the create/rotate responses).
import { isIP } from 'node:net';
import { z } from 'zod';
import { API_SCOPES } from '@runfleet/contracts';
import type { ApiKeyRecord } from '../data/api-key.repository';
import { apiKeyStatus } from '../domain/api-keys';
import { displayPrefix } from '../domain/api-key-format';
import { EXAMPLE_IDS, EXAMPLE_TIME, iso, isoOrNull, nameSchema, nullableTimestampSchema, timestampSchema } from './common.schemas';

export const OWNER_TYPES = ['admin', 'reseller', 'customer'] as const;

/** An IPv4/IPv6 address or a CIDR block of one (`10.0.0.0/8`, `2001:db8::/32`). */
export function isIpOrCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  if (rest.length > 0 || address === undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

// The scope set of packages/contracts (docs/api.md lists which operation needs which).
const scopeSchema = z.enum(API_SCOPES).meta({ example: 'jobs:write' });

const allowedIpSchema = z.string().max(64).refine(isIpOrCidr, 'must be an IP address or CIDR block').meta({ example: '203.0.113.0/24' });

export const createApiKeyBody = z
  .strictObject({
    name: nameSchema.meta({ example: 'CI pipeline' }),
    ownerType: z
      .enum(OWNER_TYPES)
      .optional()
      .meta({ description: "whose key it is; defaults to the caller's own type", example: 'customer' }),
    ownerId: z
      .uuid()
      .optional()
      .meta({ description: 'defaults to the caller when ownerType is its own type', example: EXAMPLE_IDS.customer }),
    scopes: z
      .array(scopeSchema)
      .max(API_SCOPES.length)
      .optional()
      .meta({
        description:
          "what the key may do, enforced at the gateway (`<resource>:write` includes `:read`); never more than the calling key's own. " +
          "Absent: the calling key's scopes (none for an unscoped caller). Empty: unscoped, every scope of the owner's role.",
      }),
    allowedIps: z
      .array(allowedIpSchema)
      .max(64)
      .optional()
      .meta({ description: 'IPs/CIDRs the gateway accepts the key from; empty or absent: any' }),
    rateLimitPerMinute: z.number().int().min(1).max(1_000_000).nullable().optional().meta({ example: 600 }),
    expiresAt: z.iso
      .datetime({ offset: true })
      .transform((v) => new Date(v))
      .nullable()
      .optional()
      .meta({ description: 'must be in the future; absent: never expires', example: '2027-11-22T00:00:00Z' }),
  })
  .meta({ example: { name: 'CI pipeline', scopes: ['jobs:write'], allowedIps: ['203.0.113.0/24'], rateLimitPerMinute: 600 } });

export const rotateApiKeyBody = z
  .strictObject({
    graceSeconds: z
      .number()
      .int()
      .min(0)
      .max(604_800)
      .optional()
      .meta({ description: 'how long the old key keeps working (0–604800 s, default 86400); never past its own expiry', example: 3600 }),
  })
  .meta({ example: { graceSeconds: 3600 } });

const apiKeyObject = z.object({
  id: z.uuid(),
  prefix: z.string().meta({ description: 'public part of the key: rf_sk_<lookupId>' }),
  last4: z.string().meta({ description: 'last four characters of the secret' }),
  name: z.string(),
  ownerType: z.enum(OWNER_TYPES),
  ownerId: z.uuid(),
  resellerId: z.uuid().nullable().meta({ description: 'the reseller the owner is or belongs to' }),
  scopes: z.array(z.string()),
  allowedIps: z.array(z.string()),
  rateLimitPerMinute: z.number().int().nullable(),
  status: z.enum(['active', 'revoked', 'expired']),
  expiresAt: nullableTimestampSchema,
  lastUsedAt: nullableTimestampSchema.meta({ description: 'updated at most once a minute' }),
  revokedAt: nullableTimestampSchema,
  createdAt: timestampSchema,
  createdBy: z.object({ type: z.string(), id: z.string() }),
  rotatedFromId: z.uuid().nullable().meta({ description: 'the key this one replaced by rotation' }),
});

const API_KEY_EXAMPLE = {
  id: EXAMPLE_IDS.apiKey,
  prefix: 'rf_sk_3kTq9ZxB2mLp',
  last4: 'x9Qa',
  name: 'CI pipeline',
  ownerType: 'customer',
  ownerId: EXAMPLE_IDS.customer,
  resellerId: EXAMPLE_IDS.reseller,
  scopes: ['jobs:write'],
  allowedIps: ['203.0.113.0/24'],
  rateLimitPerMinute: 600,
  status: 'active',
  expiresAt: null,
  lastUsedAt: EXAMPLE_TIME,
  revokedAt: null,
  createdAt: EXAMPLE_TIME,
  createdBy: { type: 'reseller', id: EXAMPLE_IDS.reseller },
  rotatedFromId: null,
};

export const apiKeySchema = apiKeyObject.meta({ example: API_KEY_EXAMPLE });

export type ApiKeyJson = z.infer<typeof apiKeySchema>;

export const apiKeyJson = (k: ApiKeyRecord, now: Date): ApiKeyJson => ({
  id: k.id,
  prefix: displayPrefix(k.lookupId),
  last4: k.last4,
  name: k.name,
  ownerType: k.ownerType,
  ownerId: k.ownerId,
  resellerId: k.resellerId,
  scopes: k.scopes,
  allowedIps: k.allowedIps,
  rateLimitPerMinute: k.rateLimitPerMinute,
  status: apiKeyStatus(k, now),
  expiresAt: isoOrNull(k.expiresAt),
  lastUsedAt: isoOrNull(k.lastUsedAt),
  revokedAt: isoOrNull(k.revokedAt),
  createdAt: iso(k.createdAt),
  createdBy: { type: k.createdByType, id: k.createdById },
  rotatedFromId: k.rotatedFromId,
});

const EXAMPLE_RAW_KEY = 'rf_sk_3kTq9ZxB2mLp_Vb8Jm2Qw4Er6Ty8Ui0Op2As4Df6Gh8Jk0Lz2Xc4Vb6Nx9Qa';
const rawKeyField = z.string().meta({ description: 'the key itself, shown this once and never again', example: EXAMPLE_RAW_KEY });

export const issuedApiKeySchema = apiKeyObject
  .extend({ key: rawKeyField })
  .meta({ example: { ...API_KEY_EXAMPLE, key: EXAMPLE_RAW_KEY } });
export const rotatedApiKeySchema = apiKeyObject
  .extend({
    key: rawKeyField,
    rotatedFrom: apiKeySchema.meta({ description: 'the old key, now expiring at the end of the grace period' }),
  })
  .meta({
    example: {
      ...API_KEY_EXAMPLE,
      id: '5d6c7b8a-9f0e-4d1c-8b2a-3f4e5d6c7b8a',
      prefix: 'rf_sk_8HnW2cVb5TqR',
      key: 'rf_sk_8HnW2cVb5TqR_Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz1Xc3Vb5Nm7Qw9Er1',
      last4: 'wEr1',
      lastUsedAt: null,
      rotatedFromId: EXAMPLE_IDS.apiKey,
      rotatedFrom: { ...API_KEY_EXAMPLE, expiresAt: '2026-11-22T11:15:00.000Z' },
    },
  });

export const verifyBody = z
  .strictObject({
    key: z.string().max(1024).meta({ description: 'the raw key from the client request', example: EXAMPLE_RAW_KEY }),
  })
  .meta({ example: { key: EXAMPLE_RAW_KEY } });

export const verifiedKeySchema = z
  .object({
    keyId: z.uuid(),
    principal: z.object({
      type: z.enum(OWNER_TYPES),
      id: z.string(),
      resellerId: z.string().nullable(),
      scopes: z.array(z.string()),
    }),
    allowedIps: z.array(z.string()),
    rateLimit: z.object({ requestsPerMinute: z.number().int() }).nullable(),
    expiresAt: z.string().nullable(),
  })
  .meta({
    example: {
      keyId: EXAMPLE_IDS.apiKey,
      principal: { type: 'customer', id: EXAMPLE_IDS.customer, resellerId: EXAMPLE_IDS.reseller, scopes: ['jobs:write'] },
      allowedIps: ['203.0.113.0/24'],
      rateLimit: { requestsPerMinute: 600 },
      expiresAt: null,
    },
  });
