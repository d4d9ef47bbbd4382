// Every route of the billing service, mounted behind the signed-principal check; each area
// declares its routes with `api.route` so they validate and document themselves.
import type { Router } from 'express';
import type { ApiRoutes } from '@runfleet/service-kit';
import type { AppDeps } from './app';
import { registerHoldRoutes } from './holds.routes';
import { registerInvoiceRoutes } from './invoices.routes';
import { registerPriceListRoutes } from './price-lists.routes';
import { registerWalletRoutes } from './wallets.routes';

export function registerRoutes(_router: Router, api: ApiRoutes, deps: AppDeps): void {
  const useCaseDeps = { prisma: deps.prisma, now: deps.now ?? (() => new Date()) };
  registerWalletRoutes(api, useCaseDeps);
  registerHoldRoutes(api, useCaseDeps);
  registerPriceListRoutes(api, useCaseDeps);
  registerInvoiceRoutes(api, { ...useCaseDeps, invoicePolicy: deps.invoicePolicy ?? { dueDays: 14 }, seller: deps.seller ?? { name: 'Runfleet', address: [] } });
}
