// Composition root of the billing service: config → logger → database → messaging (relay, consumers) → http; graceful stop.
import { amqpCheck, createHealth, createLogger, createMetrics, keepWasmOnBaselineCompiler, listen, runService, sqlCheck } from '@runfleet/service-kit';
import { pruneIdempotencyKeys } from '@runfleet/idempotency';
import { createMessaging, prismaExecutor } from '@runfleet/messaging';
import { payoutDetailsKey, readConfig } from './config';
import { createPrisma } from './db';
import { wakingRelayAfterCommits } from './data/outbox.repository';
import { expireAllDueHolds } from './domain/expire-holds';
import { approveDueCommissions } from './domain/approve-commissions';
import { runMonthlyInvoicing } from './domain/monthly-invoicing';
import { checkAllOverdueWallets } from './domain/overdue-check';
import { PayoutDetailsCipher } from './domain/payout-details-cipher';
import { manualPayouts } from './domain/payout-provider';
import type { EarningsPolicy, HoldPolicy } from './domain/use-case-deps';
import { buildApp } from './http/app';
import { consumeJobs } from './messaging/jobs.consumer';
import { consumeOrders } from './messaging/orders.consumer';
import { consumeAccounts } from './messaging/accounts.consumer';
import { consumeCommissions } from './messaging/commissions.consumer';

// before Prisma compiles its query compiler (packages/service-kit/src/wasm-memory.ts)
keepWasmOnBaselineCompiler();

const config = readConfig();
const logger = createLogger({ service: 'billing', level: config.LOG_LEVEL });
const holdPolicy: HoldPolicy = { holdTtlMs: config.HOLD_TTL_MS };
const now = () => new Date();
const earnings: EarningsPolicy = {
  holdingDays: config.COMMISSION_HOLDING_DAYS,
  payoutMinimum: config.PAYOUT_MINIMUM,
  tierThresholds: config.TIER_THRESHOLDS,
  tierBonusBps: config.TIER_BONUS_BPS,
  tierWindowDays: config.TIER_WINDOW_DAYS,
};

void runService({
  name: 'billing',
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: async () => {
    const database = createPrisma(config.DATABASE_URL, { onPoolError: (err) => logger.warn({ err }, 'database connection lost') });
    const metrics = createMetrics('billing');
    const messaging = createMessaging({
      service: 'billing',
      amqpUrl: config.AMQP_URL,
      databaseUrl: config.DATABASE_URL,
      logger,
      registry: metrics.registry,
    });
    // Every event billing emits is written to outbox_event in the transaction of its money
    // movement (src/data/outbox.repository.ts); the relay publishes those rows (DESIGN.md §6),
    // woken right after each commit.
    messaging.startRelay();
    const prisma = wakingRelayAfterCommits(database, () => messaging.outboxCommitted());
    // Wallets for new accounts, and both sagas' billing side (DESIGN.md §2, §4).
    await consumeAccounts(messaging, { prisma });
    await consumeJobs(messaging, { now, holdPolicy });
    await consumeOrders(messaging, { prisma });
    // Resellers' terms, commissions on their customers' sales, clawbacks on refunds (issue 16).
    await consumeCommissions(messaging, { prisma, now, earnings });
    // Holds whose job never finished go back to available after their TTL (DESIGN.md §10).
    let sweeping: Promise<unknown> | null = null;
    const holdSweep = setInterval(() => {
      if (sweeping) return;
      sweeping = expireAllDueHolds({ prisma, now })
        .then((released) => {
          if (released > 0) logger.info({ released }, 'expired holds released');
        })
        .catch((err: unknown) => logger.warn({ err }, 'hold sweep failed; will retry at the next interval'))
        .finally(() => {
          sweeping = null;
        });
    }, config.HOLD_SWEEP_INTERVAL_MS);
    holdSweep.unref();
    // Wallets below zero too long are reminded, then suspended (DESIGN.md §2 "Credit account").
    const overduePolicy = { remindAfterDays: config.OVERDUE_REMIND_AFTER_DAYS, suspendAfterDays: config.OVERDUE_SUSPEND_AFTER_DAYS };
    let checkingOverdue: Promise<unknown> | null = null;
    const overdueCheck = setInterval(() => {
      if (checkingOverdue) return;
      checkingOverdue = checkAllOverdueWallets({ prisma, now }, overduePolicy)
        .then((outcome) => {
          if (outcome.reminded + outcome.suspended > 0) logger.info(outcome, 'overdue wallets reminded or suspended');
        })
        .catch((err: unknown) => logger.warn({ err }, 'overdue check failed; will retry at the next interval'))
        .finally(() => {
          checkingOverdue = null;
        });
    }, config.OVERDUE_CHECK_INTERVAL_MS);
    overdueCheck.unref();
    // Commissions past their holding period are approved and credited to the earnings wallets;
    // replicas skip a reseller another one is approving (SKIP LOCKED on its wallet).
    let approving: Promise<unknown> | null = null;
    const commissionApproval = setInterval(() => {
      if (approving) return;
      approving = approveDueCommissions({ prisma, now }, earnings, 1_000)
        .then((approved) => {
          if (approved > 0) logger.info({ approved }, 'commissions approved');
        })
        .catch((err: unknown) => logger.warn({ err }, 'commission approval failed; will retry at the next interval'))
        .finally(() => {
          approving = null;
        });
    }, config.COMMISSION_APPROVAL_INTERVAL_MS);
    commissionApproval.unref();
    // Last month's usage statements and commission invoices, from INVOICE_RUN_DAY on (issue 16 item 2).
    // Every replica checks each interval; what exists is never created twice, so a missed day, a
    // restart or a second replica is harmless (domain/monthly-invoicing.ts).
    const invoicePolicy = { dueDays: config.INVOICE_DUE_DAYS };
    let invoicing: Promise<unknown> | null = null;
    const runInvoicing = () => {
      if (invoicing) return;
      invoicing = runMonthlyInvoicing({ prisma, now }, { ...invoicePolicy, runDay: config.INVOICE_RUN_DAY, commissions: config.INVOICE_COMMISSIONS_MONTHLY }, logger)
        .then((outcome) => {
          if (outcome && outcome.statements + outcome.commissionInvoices + outcome.failed > 0) logger.info(outcome, 'monthly invoicing issued invoices');
        })
        .catch((err: unknown) => logger.warn({ err }, 'monthly invoicing failed; will retry at the next interval'))
        .finally(() => {
          invoicing = null;
        });
    };
    const invoiceRun = setInterval(runInvoicing, config.INVOICE_RUN_INTERVAL_MS);
    invoiceRun.unref();
    // once soon after start too, so a replica started on the 1st need not wait an interval
    const firstInvoiceRun = setTimeout(runInvoicing, 30_000);
    firstInvoiceRun.unref();
    // Idempotency-Keys of credits, refunds and provider events are kept 30 days (packages/idempotency);
    // forget older ones hourly, a chunk per autocommitted statement; replicas skip each other's rows.
    // The ledger's own unique keys still refuse a second booking of the same request after that.
    const keySweep = setInterval(() => {
      pruneIdempotencyKeys(prismaExecutor(prisma)).catch((err: unknown) => logger.warn({ err }, 'idempotency key prune failed; will retry at the next interval'));
    }, 3600_000);
    keySweep.unref();
    const health = createHealth([sqlCheck(() => prisma.$queryRaw`SELECT 1`), amqpCheck(() => messaging.isConnected())]);
    const paymentWebhook = config.PAYMENT_WEBHOOK_SECRET
      ? { secret: config.PAYMENT_WEBHOOK_SECRET, toleranceSeconds: config.PAYMENT_WEBHOOK_TOLERANCE_SECONDS }
      : undefined;
    const seller = { name: config.INVOICE_SELLER_NAME, address: config.INVOICE_SELLER_ADDRESS.split('|').map((l) => l.trim()).filter(Boolean) };
    const payoutDetailsCipher = new PayoutDetailsCipher(payoutDetailsKey(config));
    const app = buildApp({
      prisma,
      logger,
      metrics,
      health,
      principalSecret: config.PRINCIPAL_SECRET,
      now,
      paymentWebhook,
      earnings,
      payoutProvider: manualPayouts,
      payoutDetailsCipher,
      invoicePolicy,
      seller,
    });
    const server = await listen(app, config.PORT);
    logger.info({ port: config.PORT }, 'billing listening');
    return {
      server,
      health,
      close: async () => {
        clearInterval(holdSweep);
        clearInterval(keySweep);
        clearInterval(overdueCheck);
        clearInterval(commissionApproval);
        clearInterval(invoiceRun);
        clearTimeout(firstInvoiceRun);
        await sweeping;
        await checkingOverdue;
        await approving;
        await invoicing;
        await messaging.close();
        await prisma.$disconnect();
      },
    };
  },
});
