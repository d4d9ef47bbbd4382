// Every route of the reseller service, mounted behind the signed-principal check; each area
// declares its routes with `api.route` so they validate and document themselves.
import type { Router } from 'express';
import type { ApiRoutes } from '@runfleet/service-kit';
import { tierPolicy } from '../domain/tier-rules';
import { accountDepsOf, type AppDeps } from './app';
import { registerAuthRoutes } from './auth.routes';
import { registerUserRoutes } from './users.routes';
import { registerVerifySessionRoute, type SessionVerification } from './verify-session.routes';
import { registerVerifyRoute, type KeyVerification } from './verify-api-key.routes';
import { registerApiKeyRoutes } from './api-keys.routes';
import { registerAuditRoutes } from './audit-events.routes';
import { registerCustomerRoutes } from './customers.routes';
import { registerProjectRoutes } from './projects.routes';
import { registerMarketplaceRoutes } from './marketplace.routes';
import { registerOrderRoutes } from './orders.routes';
import { registerProviderRoutes } from './providers.routes';
import { registerRelationshipRoutes } from './relationships.routes';
import { registerResellerRoutes } from './resellers.routes';
import { registerTierRoutes } from './tiers.routes';

export function registerRoutes(
  _router: Router,
  api: ApiRoutes,
  deps: AppDeps,
  verification: KeyVerification,
  sessionVerification: SessionVerification,
): void {
  const useCaseDeps = { prisma: deps.prisma, now: deps.now ?? (() => new Date()), apiKeyPepper: deps.apiKeyPepper };

  registerResellerRoutes(api, useCaseDeps);
  registerCustomerRoutes(api, useCaseDeps);
  registerProjectRoutes(api, useCaseDeps);
  registerApiKeyRoutes(api, useCaseDeps);
  registerVerifyRoute(api, verification);
  registerAuditRoutes(api, useCaseDeps);
  // commerce: catalog, relationships, marketplace, orders, tiers
  registerProviderRoutes(api, useCaseDeps);
  registerRelationshipRoutes(api, useCaseDeps);
  registerMarketplaceRoutes(api, useCaseDeps);
  registerOrderRoutes(api, useCaseDeps);
  registerTierRoutes(api, { ...useCaseDeps, tierPolicy: deps.tierPolicy ?? tierPolicy() });
  // people: accounts, sessions (issue 19)
  const accountDeps = accountDepsOf(deps);
  registerAuthRoutes(api, accountDeps);
  registerUserRoutes(api, accountDeps);
  registerVerifySessionRoute(api, sessionVerification);
}
