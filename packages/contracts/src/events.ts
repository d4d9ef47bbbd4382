// Every event Runfleet publishes: name -> { version, payload schema, description, producer }
// (DESIGN.md §3); who consumes each is in consumer-queues.ts. Payloads carry the state consumers
// need so they never call the producer back, and are strict so a field nobody declared is rejected
// on publish instead of leaking to consumers.
import { z } from 'zod';
import { ContractError } from './contract-error';
import { envelopeSchema, type Envelope } from './envelope';
import { currencySchema, moneyStringSchema, nonNegativeMoneyStringSchema, positiveMoneyStringSchema } from './money';
import type { ServiceName } from './names';

// ---- building blocks -------------------------------------------------------------------------

const id = (description: string) => z.uuid().describe(description);
const nullableId = (description: string) => z.uuid().nullable().describe(description);
const timestamp = (description: string) => z.iso.datetime({ offset: true }).describe(description);
const currency = currencySchema.describe('ISO 4217 code every amount of this event is in');
const resellerIdOfCustomer = nullableId('reseller the customer belongs to; null for a direct customer');
const changedFields = z.array(z.string().min(1)).min(1).describe('names of the fields this update changed');

export const RESELLER_TIERS = ['bronze', 'silver', 'gold', 'platinum'] as const;
export const resellerTierSchema = z.enum(RESELLER_TIERS);
const commissionRateBps = z.number().int().min(0).max(5000).describe('base commission rate in basis points (0–5000)');

/** What a ledger movement or hold is for (DESIGN.md §2 billing: "reference (job, order, invoice…)"). */
export const REFERENCE_KINDS = ['job', 'order', 'invoice', 'payout', 'topup', 'commission', 'adjustment'] as const;
export const referenceSchema = z
  .object({
    kind: z.enum(REFERENCE_KINDS).describe('what the money movement is for'),
    id: z.string().min(1).describe('id of that job, order, invoice…'),
  })
  .strict();

const customerJob = {
  jobId: id('the job'),
  projectId: id('project the job runs in'),
  customerId: id('customer who owns the project'),
  resellerId: resellerIdOfCustomer,
  type: z.string().min(1).describe('job type; runners claim only types they support'),
};
const attempt = z.number().int().min(1).describe('1 for the first run, incremented on each requeue');
const jobUsageSchema = z
  .object({
    units: nonNegativeMoneyStringSchema.describe(
      'units consumed in the unit of the price list (second, GB, run), as a decimal string with at most 6 decimals',
    ),
    durationMs: z.number().int().min(0).describe('wall-clock run time in milliseconds'),
  })
  .strict();

export const JOB_REJECTION_REASONS = [
  'insufficient_funds',
  'wallet_suspended',
  'wallet_not_found',
  'currency_mismatch',
  'no_price',
  'no_compatible_runner',
  'project_archived',
  'customer_inactive',
] as const;
// job_error: the job's own error, reported by its runner (it pays for the usage reported);
// runner_error, runner_lost and timeout are the platform's (the job costs nothing: issue 15 item 4).
export const JOB_FAILURE_REASONS = [
  'job_error',
  'runner_error',
  'runner_lost',
  'timeout',
  'max_attempts_exceeded',
  'no_compatible_runner',
  'queue_timeout',
] as const;
export const HOLD_REJECTION_REASONS = [
  'insufficient_funds',
  'wallet_suspended',
  'wallet_not_found',
  'currency_mismatch',
  /** no price list for the job's type and currency was in force when it was submitted */
  'no_price',
] as const;

/** Why the reseller asks billing to give an order's charge back (order.refund_requested). */
export const ORDER_REFUND_REASONS = ['duplicate_payment', 'order_cancelled', 'order_failed'] as const;
export type OrderRefundReason = (typeof ORDER_REFUND_REASONS)[number];

const customerWallet = {
  walletId: id('the wallet'),
  customerId: id('customer owning the wallet'),
  resellerId: resellerIdOfCustomer,
};

export const CREDIT_STATUSES = ['active', 'suspended', 'defaulted', 'closed'] as const;
const creditSettings = z
  .object({
    creditLimit: nonNegativeMoneyStringSchema.describe('how far available may go below zero'),
    creditStatus: z.enum(CREDIT_STATUSES).describe('anything but active refuses new holds and orders'),
    lowBalanceThreshold: nonNegativeMoneyStringSchema.describe('wallet.low_balance fires when available crosses below this'),
  })
  .strict();

const order = {
  orderId: id('the reseller order'),
  customerId: id('customer who placed the order'),
  resellerId: nullableId('reseller the order was placed through; null when bought directly'),
  offeringId: id('offering bought'),
  offeringName: z.string().min(1).describe('offering name at the time of the order, for messages'),
  providerId: id('external provider of the offering'),
  basePrice: nonNegativeMoneyStringSchema.describe("provider's base price"),
  commission: nonNegativeMoneyStringSchema.describe("reseller's markup on the base price"),
  total: nonNegativeMoneyStringSchema.describe('what the customer pays: basePrice + commission'),
  currency,
};

export const USER_ROLES = ['admin', 'reseller', 'customer'] as const;
const userRole = z.enum(USER_ROLES).describe('admin, reseller staff or customer');
const accountUser = {
  userId: id('the user'),
  email: z.email().describe('where the mail goes'),
  name: z.string().min(1).describe("the user's name, for the greeting"),
};
const mailToken = {
  sealedToken: z.string().min(1).describe('the one-time token, sealed for notifications (never in clear)'),
  expiresAt: timestamp('when the token stops working'),
};

const payout = {
  payoutId: id('the payout'),
  resellerId: id('reseller withdrawing commission'),
  walletId: id("reseller's commission wallet"),
  amount: positiveMoneyStringSchema.describe('amount withdrawn'),
  currency,
  method: z.string().min(1).describe('payout method, e.g. bank_transfer'),
};

// ---- the catalogue ---------------------------------------------------------------------------

/** What every entry of `eventSchemas` holds. */
export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  /** payload schema version; bump and keep the old one while consumers migrate */
  readonly version: number;
  readonly schema: S;
  /** one line, used by docs/events.md */
  readonly description: string;
  /** the one service that publishes it */
  readonly producer: ServiceName;
}

/** The webhook endpoint (and its owner) a webhook.endpoint_* event is about. */
const webhookEndpoint = {
  endpointId: id('the webhook endpoint'),
  accountType: z.enum(['reseller', 'customer']).describe('kind of account owning the endpoint'),
  accountId: id('the owning account'),
  url: z.string().min(1).describe('the endpoint URL (no credentials)'),
};

export const eventSchemas = {
  // -- reseller service: accounts
  'customer.created': {
    version: 1,
    description: 'A customer was created, directly or under a reseller.',
    producer: 'reseller',
    schema: z
      .object({
        customerId: id('the new customer'),
        resellerId: resellerIdOfCustomer,
        email: z.email().describe('contact email'),
        name: z.string().min(1),
        currency: currencySchema.describe("currency of the customer's wallet"),
      })
      .strict(),
  },
  'customer.updated': {
    version: 1,
    description:
      "A customer's contact details or active flag changed; carries the full state after the change. The gateway drops the customer's cached keys when `active` changed.",
    producer: 'reseller',
    schema: z
      .object({
        customerId: id('the customer'),
        resellerId: resellerIdOfCustomer,
        email: z.email().describe('contact email'),
        name: z.string().min(1),
        active: z.boolean().describe('false once the customer is deactivated'),
        changedFields,
      })
      .strict(),
  },
  'reseller.created': {
    version: 1,
    description: 'A reseller was created.',
    producer: 'reseller',
    schema: z
      .object({
        resellerId: id('the new reseller'),
        name: z.string().min(1),
        email: z.email().describe('contact email'),
        commissionRateBps,
        tier: resellerTierSchema,
        currency: currencySchema.describe("currency of the reseller's commission wallet"),
      })
      .strict(),
  },
  'reseller.updated': {
    version: 1,
    description:
      "A reseller's details, commission rate or active flag changed; carries the full state after the change. The gateway drops the reseller's cached keys when `active` changed.",
    producer: 'reseller',
    schema: z
      .object({
        resellerId: id('the reseller'),
        name: z.string().min(1),
        email: z.email().describe('contact email'),
        active: z.boolean(),
        commissionRateBps,
        tier: resellerTierSchema,
        changedFields,
      })
      .strict(),
  },
  'reseller.tier_changed': {
    version: 1,
    description: 'A reseller was promoted or demoted after its trailing 90-day sales were recomputed.',
    producer: 'reseller',
    schema: z
      .object({
        resellerId: id('the reseller'),
        previousTier: resellerTierSchema,
        tier: resellerTierSchema.describe('the tier from now on'),
        direction: z.enum(['promoted', 'demoted']),
        tierBonusBps: z.number().int().min(0).describe('commission bonus of the new tier in basis points'),
        trailingSales: nonNegativeMoneyStringSchema.describe('sales over the trailing 90 days that decided the tier'),
        currency,
      })
      .strict(),
  },
  'project.created': {
    version: 1,
    description: 'A customer created a project; jobs can now be submitted to it.',
    producer: 'reseller',
    schema: z
      .object({
        projectId: id('the new project'),
        customerId: id('customer owning the project'),
        resellerId: resellerIdOfCustomer,
        name: z.string().min(1),
      })
      .strict(),
  },
  'project.archived': {
    version: 1,
    description: 'A project was archived; no new jobs are accepted in it.',
    producer: 'reseller',
    schema: z
      .object({
        projectId: id('the project'),
        customerId: id('customer owning the project'),
        resellerId: resellerIdOfCustomer,
        name: z.string().min(1),
      })
      .strict(),
  },
  'apikey.revoked': {
    version: 1,
    description: 'An API key was revoked; the gateway must stop accepting it at once.',
    producer: 'reseller',
    schema: z
      .object({
        keyId: id('the revoked key'),
        prefix: z.string().min(1).max(64).describe('public lookup prefix of the key (never the secret)'),
        ownerType: z.enum(['admin', 'reseller', 'customer']).describe('kind of account the key belonged to'),
        ownerId: z.string().min(1).describe('id of the admin, reseller or customer owning the key'),
      })
      .strict(),
  },

  'apikey.rotated': {
    version: 1,
    description:
      "An API key was rotated: a successor was issued and the old key's expiry moved to the end of its grace period (now, for a grace of 0); the gateway must stop accepting the old key at that time.",
    producer: 'reseller',
    schema: z
      .object({
        keyId: id('the rotated (old) key'),
        prefix: z.string().min(1).max(64).describe('public lookup prefix of the old key (never the secret)'),
        newKeyId: id('the successor key'),
        newPrefix: z.string().min(1).max(64).describe('public lookup prefix of the successor key'),
        ownerType: z.enum(['admin', 'reseller', 'customer']).describe('kind of account both keys belong to'),
        ownerId: z.string().min(1).describe('id of the admin, reseller or customer owning the keys'),
        oldKeyExpiresAt: timestamp('when the old key stops verifying (the end of the grace period)'),
      })
      .strict(),
  },

  // -- reseller: people's accounts and sessions (issue 19). Mail events carry the one-time token
  // sealed for notifications (service-kit SealedBox under sealingKey(PRINCIPAL_SECRET, 'runfleet',
  // 'account-mail-token'), associated data = the userId), never in clear.
  'session.revoked': {
    version: 1,
    description: "A session ended before its expiry (sign-out, password change or reset); the gateway must stop accepting it at once.",
    producer: 'reseller',
    schema: z
      .object({
        keyId: id('the revoked session (what the gateway caches it under)'),
        userId: id('the person the session belonged to'),
      })
      .strict(),
  },
  'user.registered': {
    version: 1,
    description: 'A person signed up: a new customer and its first user (direct, or through a reseller referral code).',
    producer: 'reseller',
    schema: z
      .object({
        ...accountUser,
        role: userRole,
        resellerId: nullableId('reseller the user belongs to; null for admins and direct customers'),
        customerId: nullableId('customer the user acts for; null for admins and reseller staff'),
        referralCode: z.string().min(1).nullable().describe('the referral code signed up with, or null'),
      })
      .strict(),
  },
  'user.email_verification_requested': {
    version: 1,
    description: 'A user must confirm their email address: mail them the verification link.',
    producer: 'reseller',
    schema: z.object({ ...accountUser, ...mailToken }).strict(),
  },
  'user.password_reset_requested': {
    version: 1,
    description: 'A user asked to reset their password: mail them the reset link.',
    producer: 'reseller',
    schema: z.object({ ...accountUser, ...mailToken }).strict(),
  },
  'user.invited': {
    version: 1,
    description: 'An admin or reseller invited a person: mail them the link that sets their first password.',
    producer: 'reseller',
    schema: z.object({ ...accountUser, role: userRole, ...mailToken }).strict(),
  },
  'user.password_changed': {
    version: 1,
    description: "A user's password was changed or reset (security mail).",
    producer: 'reseller',
    schema: z.object({ ...accountUser, changedAt: timestamp('when the password changed') }).strict(),
  },
  'user.locked_out': {
    version: 1,
    description: 'A user was locked out after repeated failed sign-ins (security mail).',
    producer: 'reseller',
    schema: z.object({ ...accountUser, lockedUntil: timestamp('when sign-in is allowed again') }).strict(),
  },

  // -- runner-registry: runners
  'runner.registered': {
    version: 1,
    description: 'A runner registered with a registration token.',
    producer: 'runner-registry',
    schema: z
      .object({
        runnerId: id('the new runner'),
        name: z.string().min(1),
        jobTypes: z.array(z.string().min(1)).min(1).describe('job types the runner can run'),
        labels: z.record(z.string(), z.string()).describe('free-form labels'),
        capacity: z.number().int().min(1).describe('how many jobs it runs concurrently'),
        version: z.string().min(1).describe('runner software version'),
      })
      .strict(),
  },
  'runner.stale': {
    version: 1,
    description: 'A runner missed 2 heartbeat intervals; it gets no new jobs until it is heard from.',
    producer: 'runner-registry',
    schema: z
      .object({
        runnerId: id('the runner'),
        name: z.string().min(1),
        lastHeartbeatAt: timestamp('last heartbeat received').nullable(),
        missedIntervals: z.number().int().min(1),
      })
      .strict(),
  },
  'runner.offline': {
    version: 1,
    description: 'A runner missed 5 heartbeat intervals; the jobs it held were requeued or failed.',
    producer: 'runner-registry',
    schema: z
      .object({
        runnerId: id('the runner'),
        name: z.string().min(1),
        lastHeartbeatAt: timestamp('last heartbeat received').nullable(),
        missedIntervals: z.number().int().min(1),
        customerId: nullableId("customer owning the runner (its owner is told); null for a shared runner"),
        requeuedJobIds: z.array(z.uuid()).describe('jobs put back in the queue'),
        failedJobIds: z.array(z.uuid()).describe('jobs failed because they ran out of attempts'),
      })
      .strict(),
  },
  'runner.recovered': {
    version: 1,
    description: 'A stale or offline runner was heard from again and is active.',
    producer: 'runner-registry',
    schema: z
      .object({
        runnerId: id('the runner'),
        name: z.string().min(1),
        previousStatus: z.enum(['stale', 'offline']),
        lastHeartbeatAt: timestamp('the heartbeat that brought it back'),
      })
      .strict(),
  },

  'runner.revoked': {
    version: 1,
    description: "A runner was disabled or deleted; its runner token stops working and the gateway drops it from its cache.",
    producer: 'runner-registry',
    schema: z
      .object({
        runnerId: id('the runner'),
        keyId: z.string().min(1).describe("the runner token's id as the gateway's verify answer named it (the runner id)"),
        name: z.string().min(1),
        reason: z.enum(['disabled', 'deleted']),
      })
      .strict(),
  },

  // -- runner-registry: the job saga (DESIGN.md §4)
  'job.submitted': {
    version: 1,
    description: 'A customer submitted a job; it waits (pending_funds) for billing to hold its maximum cost.',
    producer: 'runner-registry',
    schema: z
      .object({
        ...customerJob,
        priority: z.number().int().describe('higher runs first'),
        maxCost: positiveMoneyStringSchema.describe('the most the job may cost; billing holds this much'),
        currency,
      })
      .strict(),
  },
  'job.queued': {
    version: 1,
    description: 'Funds are held for a job; it is queued for a compatible runner.',
    producer: 'runner-registry',
    schema: z
      .object({
        ...customerJob,
        priority: z.number().int().describe('higher runs first'),
        holdId: id('the hold funding the job'),
      })
      .strict(),
  },
  'job.rejected': {
    version: 1,
    description: 'A job was refused before it was queued (no funds, no compatible runner…); any hold is released.',
    producer: 'runner-registry',
    schema: z
      .object({
        ...customerJob,
        reason: z.enum(JOB_REJECTION_REASONS),
        message: z.string().min(1).describe('human-readable explanation'),
      })
      .strict(),
  },
  'job.assigned': {
    version: 1,
    description: 'A runner claimed a queued job.',
    producer: 'runner-registry',
    schema: z
      .object({ ...customerJob, runnerId: id('runner that claimed the job'), attempt })
      .strict(),
  },
  'job.started': {
    version: 1,
    description: 'The runner started running the job.',
    producer: 'runner-registry',
    schema: z
      .object({ ...customerJob, runnerId: id('runner running the job'), attempt })
      .strict(),
  },
  'job.completed': {
    version: 1,
    description: 'A job succeeded and reported its usage; billing prices it and charges the hold.',
    producer: 'runner-registry',
    schema: z
      .object({
        ...customerJob,
        runnerId: id('runner that ran the job'),
        attempt,
        usage: jobUsageSchema,
      })
      .strict(),
  },
  'job.failed': {
    version: 1,
    description:
      'A job failed for good; billing charges the usage it reported when it failed on its own (job_error), else releases its hold.',
    producer: 'runner-registry',
    schema: z
      .object({
        ...customerJob,
        runnerId: nullableId('runner of the last attempt; null if it never ran'),
        attempt: z.number().int().min(0).describe('attempts made; 0 if it never ran'),
        reason: z.enum(JOB_FAILURE_REASONS),
        message: z.string().min(1).describe('human-readable explanation or the runner-reported error'),
        usage: jobUsageSchema
          .optional()
          .describe(
            'what the job consumed before it failed, when its runner reported it; billing charges it for a job that failed on its own (reason job_error), never for a platform failure',
          ),
      })
      .strict(),
  },
  'job.cancelled': {
    version: 1,
    description: 'A job was cancelled before it finished; billing releases its hold.',
    producer: 'runner-registry',
    schema: z
      .object({
        ...customerJob,
        previousStatus: z.enum(['pending_funds', 'queued', 'assigned', 'running']),
        runnerId: nullableId('runner holding the job when cancelled; null if none'),
        cancelledBy: z.enum(['customer', 'reseller', 'admin', 'system']),
      })
      .strict(),
  },
  'job.requeued': {
    version: 1,
    description: 'A job went back to the queue because its runner went stale, offline or gave it back.',
    producer: 'runner-registry',
    schema: z
      .object({
        ...customerJob,
        previousRunnerId: id('runner that held the job'),
        attempt: z.number().int().min(2).describe('number of the attempt that comes next'),
        reason: z.enum(['runner_stale', 'runner_offline', 'runner_released', 'lease_expired']),
      })
      .strict(),
  },

  // -- billing: wallets (DESIGN.md §5)
  'wallet.hold_placed': {
    version: 1,
    description: "Money was reserved on a customer's wallet for a job or an order.",
    producer: 'billing',
    schema: z
      .object({
        holdId: id('the hold'),
        ...customerWallet,
        amount: positiveMoneyStringSchema.describe('amount reserved'),
        currency,
        availableAfter: moneyStringSchema.describe('balance − reserved after the hold (may be negative on credit)'),
        reference: referenceSchema,
        expiresAt: timestamp('when an unposted hold expires').nullable(),
      })
      .strict(),
  },
  'wallet.hold_rejected': {
    version: 1,
    description: 'A hold could not be placed (insufficient funds, suspended or missing wallet).',
    producer: 'billing',
    schema: z
      .object({
        walletId: nullableId('the wallet; null when the customer has none'),
        customerId: id('customer the hold was for'),
        resellerId: resellerIdOfCustomer,
        amount: positiveMoneyStringSchema.describe('amount that was asked for'),
        currency,
        available: moneyStringSchema.nullable().describe('balance − reserved + credit limit at the time; null without a wallet'),
        reference: referenceSchema,
        reason: z.enum(HOLD_REJECTION_REASONS),
      })
      .strict(),
  },
  'wallet.hold_released': {
    version: 1,
    description: 'Reserved money went back to the available balance (voided, expired or the rest after posting).',
    producer: 'billing',
    schema: z
      .object({
        holdId: id('the hold'),
        ...customerWallet,
        amount: positiveMoneyStringSchema.describe('amount released'),
        currency,
        availableAfter: moneyStringSchema.describe('balance − reserved after the release'),
        reference: referenceSchema,
        reason: z.enum(['voided', 'expired', 'posted_remainder']),
      })
      .strict(),
  },
  'wallet.charged': {
    version: 1,
    description: "A customer's wallet was charged (a priced job or a paid order).",
    producer: 'billing',
    schema: z
      .object({
        ...customerWallet,
        transactionId: id('the ledger entry'),
        amount: nonNegativeMoneyStringSchema.describe('amount charged'),
        currency,
        balanceAfter: moneyStringSchema.describe('balance after the charge (may be negative on credit)'),
        holdId: nullableId('hold the charge was posted from; null for a direct charge'),
        reference: referenceSchema,
        pricing: z
          .object({
            priceListId: id('the price list version in force when the job was submitted'),
            unit: z.enum(['second', 'GB', 'run']),
            unitPrice: nonNegativeMoneyStringSchema.describe('price of one unit'),
            units: nonNegativeMoneyStringSchema.describe('units used, as reported'),
            gross: nonNegativeMoneyStringSchema.describe('units × unit price, before the cap'),
            maxCost: positiveMoneyStringSchema.describe("the job's maximum cost (the hold)"),
            capped: z.boolean().describe('true when the maximum cost capped the charge'),
          })
          .strict()
          .optional()
          .describe("a job charge's cost breakdown; absent for order charges"),
      })
      .strict(),
  },
  'wallet.credited': {
    version: 1,
    description: 'Money was added to a wallet: a top-up, a payment, a commission or an adjustment.',
    producer: 'billing',
    schema: z
      .object({
        walletId: id('the wallet'),
        ownerType: z.enum(['customer', 'reseller']).describe('customer wallet or reseller commission wallet'),
        customerId: nullableId('customer owning the wallet; null for a reseller wallet'),
        resellerId: nullableId("the customer's reseller, or the reseller owning the wallet; null for a direct customer"),
        transactionId: id('the ledger entry'),
        amount: positiveMoneyStringSchema.describe('amount credited'),
        currency,
        balanceAfter: moneyStringSchema.describe('balance after the credit'),
        source: z.enum(['admin_topup', 'reseller_topup', 'payment_provider', 'commission', 'adjustment']),
        reference: referenceSchema.nullable(),
      })
      .strict()
      .refine((data) => (data.ownerType === 'customer' ? data.customerId !== null : data.resellerId !== null), {
        message: 'a customer wallet needs customerId, a reseller wallet needs resellerId',
        path: ['ownerType'],
      }),
  },
  'wallet.refunded': {
    version: 1,
    description: 'A charge was refunded to a customer wallet (a failed or cancelled order, an adjustment).',
    producer: 'billing',
    schema: z
      .object({
        ...customerWallet,
        transactionId: id('the ledger entry'),
        amount: positiveMoneyStringSchema.describe('amount refunded'),
        currency,
        balanceAfter: moneyStringSchema.describe('balance after the refund'),
        reference: referenceSchema,
        reason: z.string().min(1).describe('why the money came back'),
      })
      .strict(),
  },
  'wallet.low_balance': {
    version: 1,
    description: "A customer wallet's available balance crossed below its low-balance threshold.",
    producer: 'billing',
    schema: z
      .object({
        ...customerWallet,
        balance: moneyStringSchema,
        available: moneyStringSchema.describe('balance − reserved'),
        threshold: nonNegativeMoneyStringSchema.describe('the low-balance threshold that was crossed'),
        currency,
      })
      .strict(),
  },

  'wallet.credit_changed': {
    version: 1,
    description:
      "A wallet's credit settings (limit, status, low-balance threshold) changed: by an admin, or by billing's overdue check suspending it. Carries the settings before and after; the change is also in billing's audit trail.",
    producer: 'billing',
    schema: z
      .object({
        walletId: id('the wallet'),
        ownerType: z.enum(['customer', 'reseller']).describe('customer wallet or reseller commission wallet'),
        customerId: nullableId('customer owning the wallet; null for a reseller wallet'),
        resellerId: nullableId("the customer's reseller, or the reseller owning the wallet; null for a direct customer"),
        currency,
        before: creditSettings.describe('the settings before the change'),
        after: creditSettings.describe('the settings after the change'),
        changedFields,
        changeId: id("the audit row of the change (billing's wallet_change)"),
        actorType: z.enum(['admin', 'system']).describe('an admin, or billing itself (the overdue check)'),
        actorId: z.string().min(1).describe("the admin's id, or the system job's name (`overdue-check`)"),
        reason: z.string().min(1).describe('why, as the admin or the overdue check gave it'),
      })
      .strict(),
  },
  'wallet.overdue_reminder': {
    version: 1,
    description:
      "A wallet's balance has stayed below zero longer than billing's reminder delay: sent once per overdue episode (re-armed when the balance is back at zero or above). The wallet is suspended at `suspendAt` unless paid up.",
    producer: 'billing',
    schema: z
      .object({
        walletId: id('the wallet'),
        ownerType: z.enum(['customer', 'reseller']).describe('customer wallet or reseller commission wallet'),
        customerId: nullableId('customer owning the wallet; null for a reseller wallet'),
        resellerId: nullableId("the customer's reseller, or the reseller owning the wallet; null for a direct customer"),
        balance: moneyStringSchema.describe('the balance now (below zero)'),
        currency,
        overdueSince: timestamp('when the balance went below zero'),
        suspendAt: timestamp('when the overdue check suspends the wallet if the balance is still below zero'),
      })
      .strict(),
  },

  // -- reseller orders (DESIGN.md §4 "Order")
  'order.created': {
    version: 1,
    description: 'A customer ordered an offering; billing charges the total.',
    producer: 'reseller',
    schema: z.object({ ...order }).strict(),
  },
  'order.paid': {
    version: 1,
    description: "The order's total was charged; the reseller can fulfil it.",
    producer: 'billing',
    schema: z.object({ ...order, transactionId: id('ledger entry of the charge') }).strict(),
  },
  'order.payment_failed': {
    version: 1,
    description: "The order's total could not be charged; the order fails.",
    producer: 'billing',
    schema: z
      .object({
        ...order,
        reason: z.enum(HOLD_REJECTION_REASONS),
        message: z.string().min(1).describe('human-readable explanation'),
      })
      .strict(),
  },
  'order.fulfilled': {
    version: 1,
    description: 'The reseller fulfilled the order with the external provider; commission is earned.',
    producer: 'reseller',
    schema: z
      .object({
        ...order,
        externalOrderId: z.string().min(1).describe("the provider's order id"),
        details: z.record(z.string(), z.unknown()).describe('fulfilment details from the provider (JSON)'),
      })
      .strict(),
  },
  'order.failed': {
    version: 1,
    description: 'A paid order could not be fulfilled; billing refunds the customer.',
    producer: 'reseller',
    schema: z
      .object({ ...order, reason: z.string().min(1).describe('why fulfilment failed') })
      .strict(),
  },
  'order.cancelled': {
    version: 1,
    description: 'An order was cancelled before fulfilment; billing refunds it if it was paid.',
    producer: 'reseller',
    schema: z
      .object({
        ...order,
        previousStatus: z
          .enum(['pending', 'paid'])
          .describe('the reseller emits only pending (a payment that arrives after the cancellation is refunded through order.refund_requested)'),
        reason: z.string().min(1).describe('why it was cancelled'),
      })
      .strict(),
  },
  'order.refund_requested': {
    version: 1,
    description:
      'A charge for an order must be given back: a second payment for an order already paid, or a payment for an order that is cancelled or failed. Billing refunds the named charge once per idempotencyKey.',
    producer: 'reseller',
    schema: z
      .object({
        ...order,
        transactionId: id('ledger entry of the charge to refund (the one order.paid reported)'),
        amount: nonNegativeMoneyStringSchema.describe('what that charge took, as order.paid reported it'),
        reason: z.enum(ORDER_REFUND_REASONS).describe('duplicate_payment: the order was already paid with another charge'),
        keptTransactionId: nullableId('the charge the order keeps; null when it keeps none'),
        idempotencyKey: z
          .string()
          .min(1)
          .max(255)
          .describe('one refund per key: `order-refund:<transactionId>`, the same however often the duplicate is reported'),
      })
      .strict(),
  },

  // -- billing: commissions, invoices, payouts
  'commission.earned': {
    version: 1,
    description: "A reseller earned commission on a customer's charge or order (pending until approved).",
    producer: 'billing',
    schema: z
      .object({
        commissionId: id('the commission'),
        resellerId: id('reseller earning it'),
        customerId: id('customer whose purchase earned it'),
        source: z
          .object({ kind: z.enum(['job', 'order']), id: id('the job or order') })
          .strict()
          .describe('what was sold'),
        saleAmount: nonNegativeMoneyStringSchema.describe('the charge or order amount the commission is on'),
        rateBps: z.number().int().min(0).max(5000).describe('commission rate applied, basis points'),
        tierBonusBps: z.number().int().min(0).describe('tier bonus applied on top, basis points'),
        amount: nonNegativeMoneyStringSchema.describe('commission earned'),
        currency,
      })
      .strict(),
  },
  'invoice.issued': {
    version: 1,
    description: 'A monthly usage invoice (customer) or commission invoice (reseller) was issued.',
    producer: 'billing',
    schema: z
      .object({
        invoiceId: id('the invoice'),
        number: z
          .string()
          .min(1)
          .describe('`<series>-<year>-<6 digits>`, gapless per series and year: `RF` usage statements, `RFC` commission invoices'),
        kind: z.enum(['usage', 'commission']).describe('usage: a customer’s monthly statement; commission: a reseller’s commission invoice'),
        customerId: nullableId('billed customer; null for a commission invoice'),
        resellerId: nullableId("the customer's reseller, or the reseller of a commission invoice"),
        periodStart: z.iso.date().describe('first day covered'),
        periodEnd: z.iso.date().describe('last day covered'),
        total: moneyStringSchema.describe("a statement's usage and orders less refunds (credits not counted), or the commissions' sum"),
        currency,
        dueDate: z.iso.date(),
      })
      .strict(),
  },
  'payout.requested': {
    version: 1,
    description: 'A reseller asked to withdraw approved commission.',
    producer: 'billing',
    schema: z.object({ ...payout }).strict(),
  },
  'payout.completed': {
    version: 1,
    description: 'A payout was sent.',
    producer: 'billing',
    schema: z
      .object({ ...payout, reference: z.string().min(1).describe('reference of the transfer at the payment provider') })
      .strict(),
  },
  'payout.failed': {
    version: 1,
    description: "A payout could not be sent; the amount is back on the reseller's wallet.",
    producer: 'billing',
    schema: z.object({ ...payout, reason: z.string().min(1).describe('why it failed') }).strict(),
  },

  // -- notifications: webhook endpoints that keep failing (DESIGN.md §10 "Webhooks")
  'webhook.endpoint_failing': {
    version: 1,
    description: "A webhook endpoint has failed every delivery for a while and will be disabled at `disableAt` unless one succeeds; its owner is warned.",
    producer: 'notifications',
    schema: z
      .object({
        ...webhookEndpoint,
        failingSince: z.iso.datetime().describe('time of the first failed attempt in the current run of failures'),
        disableAt: z.iso.datetime().describe('when the endpoint will be disabled if nothing succeeds'),
      })
      .strict(),
  },
  'webhook.endpoint_disabled': {
    version: 1,
    description: 'A webhook endpoint was disabled: it answered 410 Gone, or failed every delivery for the configured time.',
    producer: 'notifications',
    schema: z
      .object({
        ...webhookEndpoint,
        reason: z.enum(['gone', 'failing']).describe('410 Gone, or sustained failure'),
      })
      .strict(),
  },
} as const satisfies Record<string, EventDefinition>;

// ---- types and guards ------------------------------------------------------------------------

export type EventName = keyof typeof eventSchemas;
export type EventData<N extends EventName> = z.infer<(typeof eventSchemas)[N]['schema']>;
export type TypedEnvelope<N extends EventName> = Envelope<N, EventData<N>>;
/** Any event's envelope, discriminated by `type`. */
export type AnyEventEnvelope = { [N in EventName]: TypedEnvelope<N> }[EventName];

export const EVENT_NAMES = Object.keys(eventSchemas) as EventName[];

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.hasOwn(eventSchemas, value);
}

export class EventValidationError extends ContractError {
  readonly code = 'EVENT_INVALID';
  // An event that fails its contract is the producer's bug (or a poisoned message), not a client's.
  override readonly status = 500;
  readonly eventName: string;

  constructor(eventName: string, errors: { field: string; message: string }[]) {
    super(
      `event ${eventName} does not match its contract: ${errors.map((e) => `${e.field || '(root)'}: ${e.message}`).join('; ')}`,
      errors,
    );
    this.eventName = eventName;
  }
}

function issuesToErrors(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.map((issue) => ({ field: issue.path.map(String).join('.'), message: issue.message }));
}

/** Validates `data` against the payload schema of `name`; throws EventValidationError listing field paths. */
export function parseEventData<N extends EventName>(name: N, data: unknown): EventData<N> {
  if (!isEventName(name)) {
    throw new EventValidationError(String(name), [{ field: 'type', message: 'unknown event name' }]);
  }
  const result = (eventSchemas[name].schema as z.ZodType).safeParse(data);
  if (!result.success) throw new EventValidationError(name, issuesToErrors(result.error));
  return result.data as EventData<N>;
}

/**
 * Validates a whole envelope: its own fields, a known event type, the version this build understands,
 * and `data` against that event's schema. Errors on `data` fields are prefixed `data.`.
 */
export function parseEventEnvelope(raw: unknown): AnyEventEnvelope {
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) {
    const type = typeof raw === 'object' && raw !== null && 'type' in raw ? String(raw.type) : '(unknown)';
    throw new EventValidationError(type, issuesToErrors(envelope.error));
  }
  const { type, version } = envelope.data;
  if (!isEventName(type)) {
    throw new EventValidationError(type, [{ field: 'type', message: 'unknown event name' }]);
  }
  const expected = eventSchemas[type].version;
  if (version !== expected) {
    throw new EventValidationError(type, [{ field: 'version', message: `expected version ${expected}, got ${version}` }]);
  }
  const data = (eventSchemas[type].schema as z.ZodType).safeParse(envelope.data.data);
  if (!data.success) {
    throw new EventValidationError(
      type,
      issuesToErrors(data.error).map((e) => ({ field: e.field ? `data.${e.field}` : 'data', message: e.message })),
    );
  }
  return { ...envelope.data, type, data: data.data } as AnyEventEnvelope;
}
