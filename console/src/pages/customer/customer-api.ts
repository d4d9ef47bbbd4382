// Shapes of the customer pages' API answers (docs/api.md; only the fields the pages read).
import type { MoneyValue } from '../../api/types';

export type JobStatus = 'pending_funds' | 'queued' | 'rejected' | 'assigned' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export const FINAL_JOB_STATUSES: readonly JobStatus[] = ['rejected', 'succeeded', 'failed', 'cancelled'];
export const CANCELLABLE_JOB_STATUSES: readonly JobStatus[] = ['pending_funds', 'queued', 'assigned', 'running'];

export interface Job {
  id: string;
  projectId: string;
  type: string;
  status: JobStatus;
  maxCost: MoneyValue;
  holdId: string | null;
  reason: string | null;
  message: string | null;
  progress: { percent: number | null; message: string | null; at: string | null };
  usage: { units: string; durationMs: number } | null;
  createdAt: string;
  finishedAt: string | null;
}

/** GET /v1/holds/:holdId — what the job reserved and, once posted, what it was charged */
export interface Hold {
  id: string;
  walletId: string;
  amount: string;
  status: 'pending' | 'posted' | 'voided' | 'expired';
  captured: string | null;
  settledAt: string | null;
}

export interface Wallet {
  id: string;
  currency: string;
  balance: string;
  reserved: string;
  available: string;
  creditLimit: string;
  creditStatus: string;
}

export interface Transaction {
  id: string;
  type: string;
  amount: string;
  /** the change of the reserved amount: + for a hold, − for its release or posting */
  reservedChange: string;
  balanceAfter: string;
  reference: { kind: string; id: string } | null;
  reason: string | null;
  createdAt: string;
}

export interface MarketplaceOffering {
  id: string;
  providerId: string;
  providerName: string;
  name: string;
  description: string | null;
  unit: string;
  currency: string;
  basePrice: string;
  commissionBps: number;
  commission: string;
  price: string;
  /** the reseller that sells it (its relationship marks the price up); null for a direct customer */
  reseller: { id: string; name: string; tier: string } | null;
}

export type OrderStatus = 'pending' | 'paid' | 'fulfilled' | 'failed' | 'cancelled';
export const FINAL_ORDER_STATUSES: readonly OrderStatus[] = ['fulfilled', 'failed', 'cancelled'];

export interface Order {
  id: string;
  resellerId: string | null;
  offeringName: string;
  unit: string;
  quantity: number;
  total: string;
  currency: string;
  status: OrderStatus;
  reason: string | null;
  externalOrderId: string | null;
  details: Record<string, unknown> | null;
  createdAt: string;
  paidAt: string | null;
  fulfilledAt: string | null;
  failedAt: string | null;
  cancelledAt: string | null;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  createdAt: string;
}

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed';
  attemptCount: number;
  createdAt: string;
}

export interface FeedItem {
  id: string;
  type: string;
  category: string;
  title: string;
  occurredAt: string;
  read: boolean;
}

export const NOTIFICATION_CATEGORIES = ['jobs', 'wallet', 'orders', 'earnings', 'runners', 'webhooks'] as const;
export type NotificationPreferences = Record<(typeof NOTIFICATION_CATEGORIES)[number], { email: boolean }>;
