// Composition root of the notifications service: config → logger → database → messaging
// (consumers) → email sender → http; graceful stop.
import { amqpCheck, createHealth, createLogger, createMetrics, listen, runService, sqlCheck } from '@runfleet/service-kit';
import { createMessaging, wakingRelayAfterCommits } from '@runfleet/messaging';
import { readConfig } from './config';
import { createPrisma } from './db';
import type { NotificationChannel } from './domain/account-notification';
import { emailChannel } from './domain/email-channel';
import { feedChannel } from './domain/feed-channel';
import { emailMetrics } from './email/email-metrics';
import { emailSender } from './email/email-sender';
import { smtpMailer } from './email/smtp-mailer';
import { buildApp } from './http/app';
import { consumeAccounts } from './messaging/accounts.consumer';
import { consumeDeliveries } from './messaging/deliveries.consumer';

const config = readConfig();
const logger = createLogger({ service: 'notifications', level: config.LOG_LEVEL });
const now = () => new Date();

void runService({
  name: 'notifications',
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: async () => {
    const prisma = createPrisma(config.DATABASE_URL, { onPoolError: (err) => logger.warn({ err }, 'database connection lost') });
    const metrics = createMetrics('notifications');
    const messaging = createMessaging({
      service: 'notifications',
      amqpUrl: config.AMQP_URL,
      databaseUrl: config.DATABASE_URL,
      logger,
      registry: metrics.registry,
    });
    const mailer = smtpMailer(config.SMTP_URL, { maxConnections: config.EMAIL_CONCURRENCY });
    const mail = emailMetrics(metrics.registry, prisma);
    const sender = emailSender({
      prisma,
      mailer,
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
    // The channels every delivered event is handed to, per recipient, in the consumer's
    // transaction (domain/account-notification.ts); the webhook channel joins this list.
    const channels: NotificationChannel[] = [feedChannel(), emailChannel()];
    // A deliveries commit may have recorded email: the sender looks at once, not at its next poll.
    const deliveriesPrisma = wakingRelayAfterCommits(prisma, () => sender.wake());
    await consumeAccounts(messaging, { prisma, now });
    await consumeDeliveries(messaging, { prisma: deliveriesPrisma, channels });
    sender.start();
    const health = createHealth([sqlCheck(() => prisma.$queryRaw`SELECT 1`), amqpCheck(() => messaging.isConnected())]);
    const app = buildApp({ prisma, logger, metrics, health, principalSecret: config.PRINCIPAL_SECRET, now });
    const server = await listen(app, config.PORT);
    logger.info({ port: config.PORT }, 'notifications listening');
    return {
      server,
      health,
      close: async () => {
        await messaging.close();
        await sender.stop();
        mailer.close();
        await prisma.$disconnect();
      },
    };
  },
});
