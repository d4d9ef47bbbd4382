// The billing service's HTTP app (no listen): the kit's app with this service's routes (wallets, their ledger and credits, price lists, commissions, payouts, earnings, invoices).
import express, { type Express } from 'express';
import { createHttpApp, problemErrorHandler, type Health, type Logger, type Metrics } from '@runfleet/service-kit';
import type { PrismaClient } from '../db';
import type { PayoutDetailsCipher } from '../domain/payout-details-cipher';
import type { PayoutProvider } from '../domain/payout-provider';
import type { EarningsPolicy } from '../domain/use-case-deps';
import type { InvoicePolicy } from '../domain/issue-invoice';
import type { Seller } from './invoice-pdf';
import { paymentsWebhook, type WebhookSettings } from './payments-webhook';
import { registerRoutes } from './routes';

export interface AppDeps {
  prisma: PrismaClient;
  logger: Logger;
  metrics: Metrics;
  health: Health;
  principalSecret: string;
  /** the clock use cases read; tests move it */
  now?: () => Date;
  /** the payment provider's webhook secret and tolerance; without it the webhook answers 503 */
  paymentWebhook?: WebhookSettings;
  /** commission approval, payout minimum and tier settings; the defaults without it */
  earnings?: EarningsPolicy;
  /** who sends payouts (POST /v1/payouts/{id}/process); manual without it */
  payoutProvider?: PayoutProvider;
  /** seals payout method details (main.ts: PAYOUT_DETAILS_ENCRYPTION_KEY); default: under PRINCIPAL_SECRET through HKDF */
  payoutDetailsCipher?: PayoutDetailsCipher;
  /** due days of issued invoices (config INVOICE_DUE_DAYS; default 14) */
  invoicePolicy?: InvoicePolicy;
  /** the seller printed on invoices (config INVOICE_SELLER_*; default Runfleet) */
  seller?: Seller;
}

export function buildApp(deps: AppDeps): Express {
  const app = createHttpApp({
    service: 'billing',
    logger: deps.logger,
    metrics: deps.metrics,
    health: deps.health,
    principalSecret: deps.principalSecret,
    apiInfo: {
      title: 'Runfleet billing service',
      version: '1.0.0',
      description: 'Wallets, their append-only ledger, top-ups, price lists, commissions, payouts, earnings and invoices (see docs/api.md).',
    },
    routes: (router, api) => registerRoutes(router, api, deps),
  });
  // The provider's webhook is signed by the provider, not the gateway, and needs its raw body:
  // it answers ahead of the kit's JSON parser and principal check; everything else goes on.
  const front = express();
  front.disable('x-powered-by');
  front.use(paymentsWebhook({ prisma: deps.prisma, now: deps.now ?? (() => new Date()) }, deps.paymentWebhook));
  front.use(app);
  front.use(problemErrorHandler(deps.logger));
  return front;
}
