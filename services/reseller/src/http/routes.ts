// Every route of the reseller service, mounted behind the signed-principal check.
import type { Router } from 'express';
import type { AppDeps } from './app';

export function registerRoutes(_router: Router, _deps: AppDeps): void {
  // The reseller API (issue 4) mounts its routers here.
}
