// Every route of the billing service, mounted behind the signed-principal check; each area
// declares its routes with `api.route` so they validate and document themselves.
import type { Router } from 'express';
import type { ApiRoutes } from '@runfleet/service-kit';
import { PayoutDetailsCipher, payoutDetailsKeyFrom } from '../domain/payout-details-cipher';
import { manualPayouts } from '../domain/payout-provider';
import { DEFAULT_EARNINGS_POLICY } from '../domain/use-case-deps';
import type { AppDeps } from './app';
import { registerCommissionRoutes } from './commissions.routes';
import { registerHoldRoutes } from './holds.routes';
import { registerInternalInvoiceRoutes } from './internal-invoices.routes';
import { registerPayoutRoutes } from './payouts.routes';
import { registerInvoiceRoutes } from './invoices.routes';
import { registerPriceListRoutes } from './price-lists.routes';
import { registerWalletRoutes } from './wallets.routes';

export function registerRoutes(_router: Router, api: ApiRoutes, deps: AppDeps): void {
  const useCaseDeps = { prisma: deps.prisma, now: deps.now ?? (() => new Date()) };
  registerWalletRoutes(api, useCaseDeps);
  registerHoldRoutes(api, useCaseDeps);
  registerPriceListRoutes(api, useCaseDeps);
  const earnings = deps.earnings ?? DEFAULT_EARNINGS_POLICY;
  registerCommissionRoutes(api, useCaseDeps, earnings);
  const cipher = deps.payoutDetailsCipher ?? new PayoutDetailsCipher(payoutDetailsKeyFrom(deps.principalSecret));
  registerPayoutRoutes(api, { ...useCaseDeps, cipher }, earnings, deps.payoutProvider ?? manualPayouts);
  const seller = deps.seller ?? { name: 'Runfleet', address: [] };
  registerInvoiceRoutes(api, { ...useCaseDeps, invoicePolicy: deps.invoicePolicy ?? { dueDays: 14 }, seller });
  registerInternalInvoiceRoutes(api, { ...useCaseDeps, seller });
}
