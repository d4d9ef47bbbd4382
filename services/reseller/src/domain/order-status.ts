// The reseller order's lifecycle (DESIGN.md §2, §4): pending → paid → fulfilled | failed, and
// pending → cancelled (by the customer or its reseller) or failed (billing could not charge).
export const ORDER_STATUSES = ['pending', 'paid', 'fulfilled', 'failed', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The one status each action may start from; anything else is a 409 naming the current status. */
export const TRANSITION_FROM = {
  pay: 'pending',
  paymentFail: 'pending',
  cancel: 'pending',
  fulfil: 'paid',
  fail: 'paid',
} as const satisfies Record<string, OrderStatus>;
export type OrderAction = keyof typeof TRANSITION_FROM;

export const TRANSITION_TO = {
  pay: 'paid',
  paymentFail: 'failed',
  cancel: 'cancelled',
  fulfil: 'fulfilled',
  fail: 'failed',
} as const satisfies Record<OrderAction, OrderStatus>;
