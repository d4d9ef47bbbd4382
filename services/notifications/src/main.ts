// Composition root of the notifications service: config → logger → database → messaging
// (consumers, relay) → email sender and webhook dispatcher → http; graceful stop.
import { amqpCheck, createHealth, createLogger, createMetrics, keepWasmOnBaselineCompiler, listen, runService, sqlCheck } from '@runfleet/service-kit';
import { createMessaging, wakingRelayAfterCommits } from '@runfleet/messaging';
import { readConfig, webhookPolicy, webhookSecretKey } from './config';
import { createDatabase } from './db';
import { WebhookDispatcher } from './delivery/webhook-dispatcher';
import { webhookMetrics } from './delivery/webhook-metrics';
import { WebhookSender } from './delivery/webhook-sender';
import { accountMailBox, AccountMailLinks } from './domain/account-mail';
import type { NotificationChannel } from './domain/account-notification';
import { emailChannel } from './domain/email-channel';
import { feedChannel } from './domain/feed-channel';
import { SecretCipher } from './domain/secret-cipher';
import type { WebhookDeps } from './domain/use-case-deps';
import { webhookChannel } from './domain/webhook-channel';
import { billingInvoicePdfs } from './email/billing-invoices';
import { emailMetrics } from './email/email-metrics';
import { emailSender } from './email/email-sender';
import { smtpMailer } from './email/smtp-mailer';
import { buildApp } from './http/app';
import { consumeAccountMail } from './messaging/account-mail.consumer';
import { consumeAccounts } from './messaging/accounts.consumer';
import { consumeDeliveries } from './messaging/deliveries.consumer';

// before Prisma compiles its query compiler (packages/service-kit/src/wasm-memory.ts)
keepWasmOnBaselineCompiler();

const config = readConfig();
const logger = createLogger({ service: 'notifications', level: config.LOG_LEVEL });
const now = () => new Date();

void runService({
  name: 'notifications',
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: async () => {
    const database = createDatabase(config.DATABASE_URL, { onPoolError: (err) => logger.warn({ err }, 'database connection lost') });
    const metrics = createMetrics('notifications');
    const messaging = createMessaging({
      service: 'notifications',
      amqpUrl: config.AMQP_URL,
      databaseUrl: config.DATABASE_URL,
      logger,
      registry: metrics.registry,
    });
    // webhook.endpoint_failing / _disabled are written to outbox_event with the state change that
    // causes them; the relay publishes them (DESIGN.md §6).
    messaging.startRelay();
    const prisma = wakingRelayAfterCommits(database.prisma, () => messaging.outboxCommitted());
    if (config.WEBHOOKS_ALLOW_INSECURE_LOOPBACK) {
      logger.warn('WEBHOOKS_ALLOW_INSECURE_LOOPBACK is set: webhooks may use http:// on loopback and reach loopback addresses (development only)');
    }

    const mailer = smtpMailer(config.SMTP_URL, { maxConnections: config.EMAIL_CONCURRENCY });
    const mail = emailMetrics(metrics.registry, prisma);
    // user.* mail's one-time tokens: sealed by the reseller service, opened only to write the link (issue 19)
    const accountLinks = new AccountMailLinks(accountMailBox(config.PRINCIPAL_SECRET), config.CONSOLE_URL);
    const invoicePdfs = billingInvoicePdfs({ billingUrls: config.BILLING_URL, principalSecret: config.PRINCIPAL_SECRET, timeoutMs: config.BILLING_TIMEOUT_MS });
    const emails = emailSender({
      prisma,
      mailer,
      invoicePdfs,
      accountLinks,
      from: config.EMAIL_FROM,
      now,
      logger,
      leaseMs: config.EMAIL_LEASE_MS,
      maxAttempts: config.EMAIL_MAX_ATTEMPTS,
      retryBaseMs: config.EMAIL_RETRY_BASE_MS,
      batchSize: config.EMAIL_BATCH_SIZE,
      concurrency: config.EMAIL_CONCURRENCY,
      intervalMs: config.EMAIL_POLL_INTERVAL_MS,
      onOutcome: mail.outcome,
      onResend: mail.resent,
    });

    const policy = webhookPolicy(config);
    const cipher = new SecretCipher(webhookSecretKey(config));
    const webhookSender = new WebhookSender({ allowLoopback: config.WEBHOOKS_ALLOW_INSECURE_LOOPBACK, timeoutMs: config.WEBHOOK_TIMEOUT_MS });
    // Sends what the webhook channel recorded, after commit; replicas share the work (SKIP LOCKED).
    const dispatcher = new WebhookDispatcher({
      pool: database.pool,
      sender: webhookSender,
      cipher,
      policy,
      logger,
      metrics: webhookMetrics(metrics.registry, database.pool, now),
      now,
      concurrency: config.WEBHOOK_CONCURRENCY,
      perEndpointConcurrency: config.WEBHOOK_ENDPOINT_CONCURRENCY,
      pollMs: config.WEBHOOK_POLL_MS,
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      outboxCommitted: () => messaging.outboxCommitted(),
    });

    // The channels every delivered event is handed to, per recipient, in the consumer's
    // transaction (domain/account-notification.ts); each only records, its sender runs after commit.
    const channels: NotificationChannel[] = [feedChannel(), emailChannel(), webhookChannel({ now })];
    // A deliveries commit may have recorded email and webhook deliveries: both senders look at
    // once, not at their next poll.
    const deliveriesPrisma = wakingRelayAfterCommits(prisma, () => {
      emails.wake();
      dispatcher.poke();
    });
    await consumeAccounts(messaging, { prisma, now });
    await consumeDeliveries(messaging, { prisma: deliveriesPrisma, channels });
    await consumeAccountMail(messaging, { prisma: wakingRelayAfterCommits(prisma, () => emails.wake()), links: accountLinks });
    emails.start();
    dispatcher.start();

    const webhooks: Omit<WebhookDeps, 'prisma'> = {
      now,
      cipher,
      policy,
      allowInsecureLoopback: config.WEBHOOKS_ALLOW_INSECURE_LOOPBACK,
      deliveriesDue: () => dispatcher.poke(),
    };
    const health = createHealth([sqlCheck(() => prisma.$queryRaw`SELECT 1`), amqpCheck(() => messaging.isConnected())]);
    const app = buildApp({ prisma, logger, metrics, health, principalSecret: config.PRINCIPAL_SECRET, now, webhooks });
    const server = await listen(app, config.PORT);
    logger.info({ port: config.PORT }, 'notifications listening');
    return {
      server,
      health,
      close: async () => {
        // Attempts may run 15 s; half the shutdown budget is given to them, the rest to closing.
        await dispatcher.stop(config.SHUTDOWN_TIMEOUT_MS / 2);
        await webhookSender.close();
        await messaging.close();
        await emails.stop();
        mailer.close();
        await invoicePdfs.close();
        await prisma.$disconnect();
      },
    };
  },
});
