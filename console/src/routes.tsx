// Every page of the console, in one table: its path (under /console), who may open it, and its
// navigation label. To add a page: create `pages/<role>/<name>.tsx` exporting one component, then
// add one row here. Rows with `nav` appear in the navigation of the roles in `access`.
import type { ComponentType } from 'react';
import type { Role } from './api/types';
import { AccountPage } from './pages/account/account';
import { JobPage } from './pages/customer/job';
import { JobsPage } from './pages/customer/jobs';
import { MarketplacePage } from './pages/customer/marketplace';
import { NotificationsPage } from './pages/customer/notifications';
import { OrderPage } from './pages/customer/order';
import { OrdersPage } from './pages/customer/orders';
import { ProjectsPage } from './pages/customer/projects';
import { WalletPage } from './pages/customer/wallet';
import { WebhooksPage } from './pages/customer/webhooks';
import { InvitePage } from './pages/public/invite';
import { ResetPage } from './pages/public/reset';
import { SignInPage } from './pages/public/sign-in';
import { SignUpPage } from './pages/public/sign-up';
import { VerifyPage } from './pages/public/verify';

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
  { path: 'sign-up', page: SignUpPage, access: 'public' },
  { path: 'verify', page: VerifyPage, access: 'public' },
  { path: 'reset', page: ResetPage, access: 'public' },
  { path: 'invite', page: InvitePage, access: 'public' },

  // customer
  { path: 'customer/projects', page: ProjectsPage, access: ['customer'], nav: 'Projects' },
  { path: 'customer/jobs', page: JobsPage, access: ['customer'], nav: 'Jobs' },
  { path: 'customer/jobs/:jobId', page: JobPage, access: ['customer'] },
  { path: 'customer/wallet', page: WalletPage, access: ['customer'], nav: 'Wallet' },
  { path: 'customer/marketplace', page: MarketplacePage, access: ['customer'], nav: 'Marketplace' },
  { path: 'customer/orders', page: OrdersPage, access: ['customer'], nav: 'Orders' },
  { path: 'customer/orders/:orderId', page: OrderPage, access: ['customer'] },
  { path: 'customer/webhooks', page: WebhooksPage, access: ['customer'], nav: 'Webhooks' },
  { path: 'customer/notifications', page: NotificationsPage, access: ['customer'], nav: 'Notifications' },

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
