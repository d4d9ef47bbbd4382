// Every page of the console, in one table: its path (under /console), who may open it, and its
// navigation label. To add a page: create `pages/<role>/<name>.tsx` exporting one component, then
// add one row here. Rows with `nav` appear in the navigation of the roles in `access`.
import type { ComponentType } from 'react';
import type { Role } from './api/types';
import { AccountPage } from './pages/account/account';
import { AdminCreditAccountPage } from './pages/admin/credit-account';
import { AdminCreditAccountsPage } from './pages/admin/credit-accounts';
import { AdminPriceListsPage } from './pages/admin/price-lists';
import { AdminProviderPage } from './pages/admin/provider';
import { AdminProvidersPage } from './pages/admin/providers';
import { AdminResellersPage } from './pages/admin/resellers';
import { AdminRunnersPage } from './pages/admin/runners';
import { AdminUsersPage } from './pages/admin/users';
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
import { ResellerCommissionsPage } from './pages/reseller/commissions';
import { ResellerCustomerPage } from './pages/reseller/customer';
import { ResellerCustomersPage } from './pages/reseller/customers';
import { ResellerDashboardPage } from './pages/reseller/dashboard';
import { ResellerInvoicesPage } from './pages/reseller/invoices';
import { ResellerMarketplacePage } from './pages/reseller/marketplace';
import { ResellerOrderPage } from './pages/reseller/order';
import { ResellerOrdersPage } from './pages/reseller/orders';
import { ResellerPayoutsPage } from './pages/reseller/payouts';
import { ResellerProvidersPage } from './pages/reseller/providers';
import { ResellerReferralCodesPage } from './pages/reseller/referral-codes';
import { ResellerReferralSignupsPage } from './pages/reseller/referral-signups';
import { ResellerUsersPage } from './pages/reseller/users';

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
  { path: 'reseller/dashboard', page: ResellerDashboardPage, access: ['reseller'], nav: 'Dashboard' },
  { path: 'reseller/customers', page: ResellerCustomersPage, access: ['reseller'], nav: 'Customers' },
  { path: 'reseller/customers/:customerId', page: ResellerCustomerPage, access: ['reseller'] },
  { path: 'reseller/providers', page: ResellerProvidersPage, access: ['reseller'], nav: 'Providers' },
  { path: 'reseller/orders', page: ResellerOrdersPage, access: ['reseller'], nav: 'Orders' },
  { path: 'reseller/orders/:orderId', page: ResellerOrderPage, access: ['reseller'] },
  { path: 'reseller/marketplace', page: ResellerMarketplacePage, access: ['reseller'], nav: 'Marketplace' },
  { path: 'reseller/commissions', page: ResellerCommissionsPage, access: ['reseller'], nav: 'Commissions' },
  { path: 'reseller/invoices', page: ResellerInvoicesPage, access: ['reseller'], nav: 'Invoices' },
  { path: 'reseller/payouts', page: ResellerPayoutsPage, access: ['reseller'], nav: 'Payouts' },
  { path: 'reseller/referral-codes', page: ResellerReferralCodesPage, access: ['reseller'], nav: 'Referral codes' },
  { path: 'reseller/referral-codes/:codeId', page: ResellerReferralSignupsPage, access: ['reseller'] },
  { path: 'reseller/users', page: ResellerUsersPage, access: ['reseller'], nav: 'Users' },

  // admin
  { path: 'admin/resellers', page: AdminResellersPage, access: ['admin'], nav: 'Resellers' },
  { path: 'admin/providers', page: AdminProvidersPage, access: ['admin'], nav: 'Providers' },
  { path: 'admin/providers/:providerId', page: AdminProviderPage, access: ['admin'] },
  { path: 'admin/price-lists', page: AdminPriceListsPage, access: ['admin'], nav: 'Price lists' },
  { path: 'admin/runners', page: AdminRunnersPage, access: ['admin'], nav: 'Runners' },
  { path: 'admin/credit-accounts', page: AdminCreditAccountsPage, access: ['admin'], nav: 'Credit accounts' },
  { path: 'admin/credit-accounts/:walletId', page: AdminCreditAccountPage, access: ['admin'] },
  { path: 'admin/users', page: AdminUsersPage, access: ['admin'], nav: 'Users' },

  // every signed-in user
  { path: 'account', page: AccountPage, access: everyone, nav: 'Account' },
];

/** Where a role lands after signing in: its first navigation entry. */
export function homePath(role: Role): string {
  const first = ROUTES.find((r) => r.nav && r.access !== 'public' && r.access.includes(role));
  return `/${first?.path ?? 'account'}`;
}
