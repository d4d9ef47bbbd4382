// Request and response schemas of the job routes (customers' and runners'), and the JSON view of
// a job: money as decimal strings (DESIGN.md §5), the payload only for its owner and its runner.
import { z } from 'zod';
import { formatMoney, positiveMoneyStringSchema } from '@runfleet/contracts';
import { JOB_STATUSES, type JobRecord } from '../data/job.repository';
import { EXAMPLE_IDS, EXAMPLE_TIME, currencyInput, iso, isoOrNull, jobTypeSchema, labelsSchema, listQuery, nullableTimestampSchema, timestampSchema } from './common.schemas';

/** issue 14 item 4: a job's payload is at most 64 KB of JSON. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

const payloadSchema = z
  .record(z.string(), z.json())
  .refine((value) => Buffer.byteLength(JSON.stringify(value), 'utf8') <= MAX_PAYLOAD_BYTES, `must be at most ${MAX_PAYLOAD_BYTES} bytes of JSON`)
  .meta({ description: 'a JSON object handed to the runner as is; at most 64 KB', example: { scene: 's3://bucket/scene.blend', frames: '1-250' } });

export const submitJobBody = z
  .strictObject({
    projectId: z.uuid().meta({ example: EXAMPLE_IDS.project }),
    type: jobTypeSchema,
    payload: payloadSchema,
    requiredLabels: labelsSchema.optional().meta({ description: 'labels a runner must carry to take the job', example: { gpu: 'a100' } }),
    priority: z.number().int().min(-1000).max(1000).optional().meta({ description: 'higher runs first; default 0', example: 0 }),
    maxCost: z
      .strictObject({
        amount: positiveMoneyStringSchema.meta({ description: 'greater than zero, at most 6 decimals', example: '5.00' }),
        currency: currencyInput,
      })
      .meta({ description: "the most the job may cost, in the customer's currency; billing holds this much" }),
    timeoutSeconds: z.number().int().min(1).max(7 * 86_400).optional().meta({ description: 'run-time limit; default per deployment', example: 3600 }),
  })
  .meta({
    example: {
      projectId: EXAMPLE_IDS.project,
      type: 'render',
      payload: { scene: 's3://bucket/scene.blend', frames: '1-250' },
      requiredLabels: { gpu: 'a100' },
      priority: 0,
      maxCost: { amount: '5.00', currency: 'EUR' },
    },
  });

export const jobListQuery = listQuery({
  status: z.enum(JOB_STATUSES).optional().meta({ example: 'queued' }),
  projectId: z.uuid().optional().meta({ example: EXAMPLE_IDS.project }),
  customerId: z.uuid().optional().meta({ description: 'one customer’s jobs (within what the caller may see)', example: EXAMPLE_IDS.customer }),
  type: jobTypeSchema.optional(),
});

const jobObject = z.object({
  id: z.uuid(),
  projectId: z.uuid(),
  customerId: z.uuid(),
  resellerId: z.uuid().nullable(),
  type: z.string(),
  payload: z.unknown(),
  requiredLabels: z.record(z.string(), z.string()),
  priority: z.number().int(),
  maxCost: z.object({ amount: z.string(), currency: z.string() }),
  timeoutSeconds: z.number().int(),
  status: z.enum(JOB_STATUSES),
  attempt: z.number().int().meta({ description: 'attempts so far (0 until first claimed)' }),
  maxAttempts: z.number().int(),
  runnerId: z.uuid().nullable(),
  holdId: z.uuid().nullable(),
  reason: z.string().nullable().meta({ description: 'why it was rejected or failed (`insufficient_funds`, `runner_error`, `runner_lost`…)' }),
  message: z.string().nullable(),
  cancelledBy: z.string().nullable(),
  progress: z.object({ percent: z.number().int().nullable(), message: z.string().nullable(), at: nullableTimestampSchema }),
  usage: z.object({ units: z.string(), durationMs: z.number().int() }).nullable(),
  createdAt: timestampSchema,
  queuedAt: nullableTimestampSchema,
  assignedAt: nullableTimestampSchema,
  startedAt: nullableTimestampSchema,
  finishedAt: nullableTimestampSchema,
  updatedAt: timestampSchema,
});

export const jobSchema = jobObject.meta({
  example: {
    id: EXAMPLE_IDS.job,
    projectId: EXAMPLE_IDS.project,
    customerId: EXAMPLE_IDS.customer,
    resellerId: EXAMPLE_IDS.reseller,
    type: 'render',
    payload: { scene: 's3://bucket/scene.blend', frames: '1-250' },
    requiredLabels: { gpu: 'a100' },
    priority: 0,
    maxCost: { amount: '5.000000', currency: 'EUR' },
    timeoutSeconds: 3600,
    status: 'running',
    attempt: 1,
    maxAttempts: 3,
    runnerId: EXAMPLE_IDS.runner,
    holdId: EXAMPLE_IDS.hold,
    reason: null,
    message: null,
    cancelledBy: null,
    progress: { percent: 40, message: 'frame 100/250', at: EXAMPLE_TIME },
    usage: null,
    createdAt: EXAMPLE_TIME,
    queuedAt: EXAMPLE_TIME,
    assignedAt: EXAMPLE_TIME,
    startedAt: EXAMPLE_TIME,
    finishedAt: null,
    updatedAt: EXAMPLE_TIME,
  },
});

export const jobJson = (j: JobRecord): z.infer<typeof jobSchema> => ({
  id: j.id,
  projectId: j.projectId,
  customerId: j.customerId,
  resellerId: j.resellerId,
  type: j.type,
  payload: j.payload,
  requiredLabels: j.requiredLabels,
  priority: j.priority,
  maxCost: { amount: formatMoney(j.maxCostMicros), currency: j.currency },
  timeoutSeconds: j.timeoutSeconds,
  status: j.status,
  attempt: j.attempt,
  maxAttempts: j.maxAttempts,
  runnerId: j.runnerId,
  holdId: j.holdId,
  reason: j.reason,
  message: j.message,
  cancelledBy: j.cancelledBy,
  progress: { percent: j.progressPercent, message: j.progressMessage, at: isoOrNull(j.lastProgressAt) },
  usage: j.usageUnitsMicros === null || j.usageDurationMs === null ? null : { units: formatMoney(j.usageUnitsMicros), durationMs: j.usageDurationMs },
  createdAt: iso(j.createdAt),
  queuedAt: isoOrNull(j.queuedAt),
  assignedAt: isoOrNull(j.assignedAt),
  startedAt: isoOrNull(j.startedAt),
  finishedAt: isoOrNull(j.finishedAt),
  updatedAt: iso(j.updatedAt),
});

export const claimBody = z
  .strictObject({
    waitSeconds: z
      .number()
      .int()
      .min(0)
      .max(30)
      .optional()
      .meta({ description: 'how long to wait for a job when none is queued (0–30 s; default: the deployment’s maximum)', example: 30 }),
  })
  .meta({ example: { waitSeconds: 30 } });

export const progressBody = z
  .strictObject({
    percent: z.number().int().min(0).max(100).optional().meta({ example: 40 }),
    message: z.string().max(1000).optional().meta({ example: 'frame 100/250' }),
  })
  .meta({ example: { percent: 40, message: 'frame 100/250' } });

const usageFields = {
  units: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,12})(\.[0-9]{1,6})?$/, 'must be a non-negative decimal string with at most 6 decimals, e.g. "12.5"')
    .meta({ description: "units consumed, in the job type's unit (second, GB, run)", example: '312.5' }),
  durationMs: z.number().int().min(0).max(2_147_483_647).meta({ example: 312_480 }),
};

export const completeBody = z.strictObject(usageFields).meta({ example: { units: '312.5', durationMs: 312_480 } });

export const failBody = z
  .strictObject({
    message: z.string().trim().min(1).max(2000).meta({ description: "the job's own error", example: 'scene file not found' }),
    usage: z
      .strictObject(usageFields)
      .optional()
      .meta({ description: 'what the job consumed before it failed (same shape as complete); billed as reported, capped at the maximum cost' }),
  })
  .meta({ example: { message: 'scene file not found', usage: { units: '12.5', durationMs: 12_480 } } });

export const heartbeatBody = z
  .strictObject({
    version: z.string().trim().min(1).max(64).optional().meta({ example: '1.4.2' }),
    jobsRunning: z.number().int().min(0).max(100_000).optional().meta({ example: 2 }),
    freeCapacity: z.number().int().min(0).max(100_000).optional().meta({ example: 2 }),
  })
  .meta({ example: { version: '1.4.2', jobsRunning: 2, freeCapacity: 2 } });

export const heartbeatAnswer = z
  .object({
    cancelledJobIds: z.array(z.uuid()).meta({ description: 'its jobs cancelled lately: stop them' }),
    intervalSeconds: z.number().int().meta({ description: 'heartbeat at least this often' }),
  })
  .meta({ example: { cancelledJobIds: [], intervalSeconds: 10 } });
