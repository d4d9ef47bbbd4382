// Every page of the console, in one table: its path (under /console), who may open it, and its
// navigation label. To add a page: create `pages/<role>/<name>.tsx` exporting one component, then
// add one row here. Rows with `nav` appear in the navigation of the roles in `access`.
import type { ComponentType } from 'react';
import type { Role } from './api/types';
import { AccountPage } from './pages/account/account';
import { ProjectsPage } from './pages/customer/projects';
import { SignInPage } from './pages/public/sign-in';

export interface ConsoleRoute {
  /** relative to /console, without a leading slash; may hold params (`customer/jobs/:jobId`) */
  path: string;
  page: ComponentType;
  /** 'public': shown without a session; otherwise the roles allowed */
  access: 'public' | readonly Role[];
  /** label in the navigation; omit for detail pages and public pages */
  nav?: string;
}

const everyone: readonly Role[] = ['admin', 'reseller', 'customer'];

export const ROUTES: readonly ConsoleRoute[] = [
  // public: reached without signing in, and from the links in account mail (/verify, /reset, /invite)
  { path: 'sign-in', page: SignInPage, access: 'public' },

  // customer
  { path: 'customer/projects', page: ProjectsPage, access: ['customer'], nav: 'Projects' },

  // reseller

  // admin

  // every signed-in user
  { path: 'account', page: AccountPage, access: everyone, nav: 'Account' },
];

/** Where a role lands after signing in: its first navigation entry. */
export function homePath(role: Role): string {
  const first = ROUTES.find((r) => r.nav && r.access !== 'public' && r.access.includes(role));
  return `/${first?.path ?? 'account'}`;
}
