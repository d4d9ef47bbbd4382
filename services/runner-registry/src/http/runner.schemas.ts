// Request and response schemas of the runner routes (registration, management, discovery) and of
// the gateway's token verification, and the JSON view of a runner (never its token's hash).
import { z } from 'zod';
import type { RunnerRecord } from '../data/runner.repository';
import { RUNNER_STATUSES } from '../data/runner.repository';
import { RUNNER_TOKEN_PREFIX } from '../domain/token-format';
import { EXAMPLE_IDS, EXAMPLE_TIME, iso, isoOrNull, jobTypeSchema, labelsSchema, listQuery, nameSchema, nullableTimestampSchema, timestampSchema } from './common.schemas';

const capacitySchema = z.number().int().min(1).max(1000).meta({ description: 'jobs it runs at the same time', example: 4 });

export const registerRunnerBody = z
  .strictObject({
    name: nameSchema.meta({ example: 'gpu-eu-1' }),
    jobTypes: z.array(jobTypeSchema).min(1).max(64).meta({ description: 'job types it can run', example: ['render'] }),
    labels: labelsSchema.optional(),
    capacity: capacitySchema,
    version: z.string().trim().min(1).max(64).meta({ example: '1.4.2' }),
  })
  .meta({ example: { name: 'gpu-eu-1', jobTypes: ['render'], labels: { gpu: 'a100' }, capacity: 4, version: '1.4.2' } });

export const updateRunnerBody = z
  .strictObject({
    labels: labelsSchema.optional().meta({ description: 'replaces every label' }),
    capacity: capacitySchema.optional(),
  })
  .refine((b) => b.labels !== undefined || b.capacity !== undefined, 'name labels, capacity or both')
  .meta({ example: { capacity: 8 } });

/** `label=gpu=a100` (repeatable): runners carrying every one of these labels. */
const labelFilter = z
  .union([z.string(), z.array(z.string())])
  .transform((value, ctx) => {
    const labels: Record<string, string> = {};
    for (const pair of Array.isArray(value) ? value : [value]) {
      const at = pair.indexOf('=');
      if (at <= 0) {
        ctx.addIssue({ code: 'custom', message: 'must be name=value' });
        return z.NEVER;
      }
      labels[pair.slice(0, at)] = pair.slice(at + 1);
    }
    return labels;
  })
  .optional()
  .meta({ description: 'name=value; repeat for several labels', example: 'gpu=a100' });

export const runnerListQuery = listQuery({
  jobType: jobTypeSchema.optional().meta({ description: 'runners that can run this job type' }),
  label: labelFilter,
  status: z.enum(RUNNER_STATUSES).optional().meta({ example: 'active' }),
});

const runnerObject = z.object({
  id: z.uuid(),
  name: z.string(),
  tokenPrefix: z.string().meta({ description: `public part of its runner token: ${RUNNER_TOKEN_PREFIX}<lookupId>` }),
  jobTypes: z.array(z.string()),
  labels: z.record(z.string(), z.string()),
  capacity: z.number().int(),
  version: z.string(),
  scope: z.enum(['shared', 'customer']),
  customerId: z.uuid().nullable(),
  resellerId: z.uuid().nullable(),
  status: z.enum(RUNNER_STATUSES),
  lastHeartbeatAt: nullableTimestampSchema,
  registrationTokenId: z.uuid(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});

const RUNNER_EXAMPLE = {
  id: EXAMPLE_IDS.runner,
  name: 'gpu-eu-1',
  tokenPrefix: 'rf_rt_7hTq2ZxB9mLp',
  jobTypes: ['render'],
  labels: { gpu: 'a100' },
  capacity: 4,
  version: '1.4.2',
  scope: 'customer',
  customerId: EXAMPLE_IDS.customer,
  resellerId: EXAMPLE_IDS.reseller,
  status: 'active',
  lastHeartbeatAt: EXAMPLE_TIME,
  registrationTokenId: EXAMPLE_IDS.registrationToken,
  createdAt: EXAMPLE_TIME,
  updatedAt: EXAMPLE_TIME,
};

export const runnerSchema = runnerObject.meta({ example: RUNNER_EXAMPLE });
const EXAMPLE_RAW = 'rf_rt_7hTq2ZxB9mLp_Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz1Xc3Vb5Nm7Qw9Er1';
export const registeredRunnerSchema = runnerObject
  .extend({ token: z.string().meta({ description: 'the runner token, shown this once: send it as `Authorization: Bearer …`', example: EXAMPLE_RAW }) })
  .meta({ example: { ...RUNNER_EXAMPLE, token: EXAMPLE_RAW } });

export const runnerJson = (r: RunnerRecord): z.infer<typeof runnerSchema> => ({
  id: r.id,
  name: r.name,
  tokenPrefix: `${RUNNER_TOKEN_PREFIX}${r.lookupId}`,
  jobTypes: r.jobTypes,
  labels: r.labels,
  capacity: r.capacity,
  version: r.version,
  scope: r.scope,
  customerId: r.customerId,
  resellerId: r.resellerId,
  status: r.status,
  lastHeartbeatAt: isoOrNull(r.lastHeartbeatAt),
  registrationTokenId: r.registrationTokenId,
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});

export const verifyTokenBody = z
  .strictObject({ key: z.string().max(1024).meta({ description: 'the raw token from the client request', example: EXAMPLE_RAW }) })
  .meta({ example: { key: EXAMPLE_RAW } });

export const verifiedTokenSchema = z
  .object({
    keyId: z.string(),
    principal: z.object({ type: z.literal('runner'), id: z.string(), resellerId: z.null(), scopes: z.array(z.string()) }),
    allowedIps: z.array(z.string()),
    rateLimit: z.null(),
    expiresAt: z.string().nullable(),
  })
  .meta({
    example: {
      keyId: EXAMPLE_IDS.runner,
      principal: { type: 'runner', id: EXAMPLE_IDS.runner, resellerId: null, scopes: [] },
      allowedIps: [],
      rateLimit: null,
      expiresAt: null,
    },
  });
