// English templates, one per notification kind (issue 17 item 5): a subject and a body in
// Handlebars. The subject is also the feed item's title. `data` is the event's data as published
// (amounts are decimal strings in the event's currency); the layout (email/render.ts) adds the
// greeting and footer and makes the text and HTML parts. Account mail (issue 19) gets `data.link`,
// the console link with its one-time token, and never the sealed token.
import type { AccountMailEvent } from '../domain/account-mail';
import type { DeliveredEvent } from '../domain/notification-kinds';

export interface KindTemplate {
  subject: string;
  body: string;
}

export const EN: Record<DeliveredEvent | AccountMailEvent, KindTemplate> = {
  'job.submitted': { subject: 'Job {{data.type}} submitted', body: 'Job {{data.jobId}} ({{data.type}}) was submitted; it waits until its maximum cost of {{data.maxCost}} {{data.currency}} is reserved.' },
  'job.queued': { subject: 'Job {{data.type}} queued', body: 'Job {{data.jobId}} ({{data.type}}) is funded and waits for a runner.' },
  'job.rejected': { subject: 'Job {{data.type}} rejected', body: 'Job {{data.jobId}} ({{data.type}}) was not accepted: {{data.message}} (reason: {{data.reason}}).' },
  'job.assigned': { subject: 'Job {{data.type}} assigned to a runner', body: 'Job {{data.jobId}} ({{data.type}}) was claimed by runner {{data.runnerId}} (attempt {{data.attempt}}).' },
  'job.started': { subject: 'Job {{data.type}} started', body: 'Job {{data.jobId}} ({{data.type}}) started on runner {{data.runnerId}} (attempt {{data.attempt}}).' },
  'job.completed': { subject: 'Job {{data.type}} completed', body: 'Job {{data.jobId}} ({{data.type}}) completed in {{data.usage.durationMs}} ms, using {{data.usage.units}} units.' },
  'job.failed': { subject: 'Job {{data.type}} failed', body: 'Job {{data.jobId}} ({{data.type}}) failed after {{data.attempt}} attempt(s): {{data.message}} (reason: {{data.reason}}).' },
  'job.cancelled': { subject: 'Job {{data.type}} cancelled', body: 'Job {{data.jobId}} ({{data.type}}) was cancelled by the {{data.cancelledBy}} while {{data.previousStatus}}.' },
  'job.requeued': { subject: 'Job {{data.type}} requeued', body: 'Job {{data.jobId}} ({{data.type}}) went back to the queue ({{data.reason}}); attempt {{data.attempt}} comes next.' },
  'wallet.hold_placed': { subject: '{{data.amount}} {{data.currency}} reserved', body: '{{data.amount}} {{data.currency}} was reserved for {{data.reference.kind}} {{data.reference.id}}; {{data.availableAfter}} {{data.currency}} is available.' },
  'wallet.hold_rejected': { subject: 'Could not reserve {{data.amount}} {{data.currency}}', body: '{{data.amount}} {{data.currency}} could not be reserved for {{data.reference.kind}} {{data.reference.id}} ({{data.reason}}).' },
  'wallet.hold_released': { subject: '{{data.amount}} {{data.currency}} released', body: '{{data.amount}} {{data.currency}} reserved for {{data.reference.kind}} {{data.reference.id}} is available again ({{data.reason}}).' },
  'wallet.charged': { subject: 'Charged {{data.amount}} {{data.currency}}', body: 'Your wallet was charged {{data.amount}} {{data.currency}} for {{data.reference.kind}} {{data.reference.id}}. Balance: {{data.balanceAfter}} {{data.currency}}.' },
  'wallet.credited': { subject: '{{data.amount}} {{data.currency}} added to your wallet', body: '{{data.amount}} {{data.currency}} was added to your wallet ({{data.source}}). Balance: {{data.balanceAfter}} {{data.currency}}.' },
  'wallet.refunded': { subject: '{{data.amount}} {{data.currency}} refunded', body: '{{data.amount}} {{data.currency}} was refunded for {{data.reference.kind}} {{data.reference.id}}: {{data.reason}}. Balance: {{data.balanceAfter}} {{data.currency}}.' },
  'wallet.low_balance': { subject: 'Low balance: {{data.available}} {{data.currency}} available', body: 'The available balance of wallet {{data.walletId}} is {{data.available}} {{data.currency}}, below its threshold of {{data.threshold}} {{data.currency}}. Top it up to keep jobs running.' },
  'wallet.credit_changed': { subject: 'Your wallet’s credit settings changed', body: 'The credit settings of wallet {{data.walletId}} changed ({{data.reason}}): limit {{data.after.creditLimit}} {{data.currency}}, status {{data.after.creditStatus}}, low-balance threshold {{data.after.lowBalanceThreshold}} {{data.currency}}.' },
  'wallet.overdue_reminder': { subject: 'Payment overdue: balance {{data.balance}} {{data.currency}}', body: 'Wallet {{data.walletId}} has been below zero since {{data.overdueSince}} (balance {{data.balance}} {{data.currency}}). It will be suspended at {{data.suspendAt}} unless it is paid up.' },
  'order.created': { subject: 'Order for {{data.offeringName}} placed', body: 'An order for {{data.offeringName}} ({{data.total}} {{data.currency}}) was placed: order {{data.orderId}}.' },
  'order.paid': { subject: 'Order for {{data.offeringName}} paid', body: 'Order {{data.orderId}} for {{data.offeringName}} was paid ({{data.total}} {{data.currency}}) and is ready to be fulfilled.' },
  'order.payment_failed': { subject: 'Payment for {{data.offeringName}} failed', body: 'Order {{data.orderId}} for {{data.offeringName}} could not be paid: {{data.message}} ({{data.reason}}).' },
  'order.fulfilled': { subject: 'Order for {{data.offeringName}} fulfilled', body: 'Order {{data.orderId}} for {{data.offeringName}} was fulfilled (provider order {{data.externalOrderId}}).' },
  'order.failed': { subject: 'Order for {{data.offeringName}} failed', body: 'Order {{data.orderId}} for {{data.offeringName}} could not be fulfilled: {{data.reason}}. The payment is refunded.' },
  'order.cancelled': { subject: 'Order for {{data.offeringName}} cancelled', body: 'Order {{data.orderId}} for {{data.offeringName}} was cancelled: {{data.reason}}.' },
  'commission.earned': { subject: 'You earned {{data.amount}} {{data.currency}} commission', body: 'You earned {{data.amount}} {{data.currency}} commission on a {{data.source.kind}} of {{data.saleAmount}} {{data.currency}}.' },
  'invoice.issued': { subject: 'Invoice {{data.number}} issued', body: 'Invoice {{data.number}} ({{data.kind}}, {{data.periodStart}} to {{data.periodEnd}}) was issued: {{data.total}} {{data.currency}}, due {{data.dueDate}}.' },
  'payout.requested': { subject: 'Payout of {{data.amount}} {{data.currency}} requested', body: 'A payout of {{data.amount}} {{data.currency}} by {{data.method}} was requested.' },
  'payout.completed': { subject: 'Payout of {{data.amount}} {{data.currency}} sent', body: 'Your payout of {{data.amount}} {{data.currency}} by {{data.method}} was sent (reference {{data.reference}}).' },
  'payout.failed': { subject: 'Payout of {{data.amount}} {{data.currency}} failed', body: 'Your payout of {{data.amount}} {{data.currency}} could not be sent: {{data.reason}}. The amount is back in your commission wallet.' },
  'runner.offline': { subject: 'Runner {{data.name}} is offline', body: 'Runner {{data.name}} missed {{data.missedIntervals}} heartbeat intervals and is offline. Its jobs were requeued or failed.' },
  'webhook.endpoint_failing': { subject: 'Your webhook endpoint will be disabled', body: 'Every delivery to {{data.url}} has failed since {{data.failingSince}}. The endpoint will be disabled at {{data.disableAt}} unless a delivery succeeds.' },
  'webhook.endpoint_disabled': { subject: 'Your webhook endpoint was disabled', body: 'The webhook endpoint {{data.url}} was disabled ({{data.reason}}). Fix it, enable it again and replay what it missed.' },
  'user.email_verification_requested': {
    subject: 'Confirm your email address',
    body: 'Please confirm that {{data.email}} is your address by opening this link:\n\n{{data.link}}\n\nThe link works once, until {{data.expiresAt}}. If you did not sign up for Runfleet, ignore this mail.',
  },
  'user.password_reset_requested': {
    subject: 'Reset your Runfleet password',
    body: 'Someone, hopefully you, asked to reset the password of {{data.email}}. Choose a new one here:\n\n{{data.link}}\n\nThe link works once, until {{data.expiresAt}}. If you did not ask, ignore this mail: your password stays as it is.',
  },
  'user.invited': {
    subject: 'You are invited to Runfleet',
    body: 'An account ({{data.role}}) was created for you on Runfleet as {{data.email}}. Choose your password here to sign in:\n\n{{data.link}}\n\nThe link works once, until {{data.expiresAt}}.',
  },
  'user.password_changed': {
    subject: 'Your Runfleet password was changed',
    body: 'The password of {{data.email}} was changed at {{data.changedAt}}. If that was not you, reset your password now and tell your administrator.',
  },
  'user.locked_out': {
    subject: 'Your Runfleet account is locked',
    body: 'Too many sign-ins to {{data.email}} failed, so signing in is locked until {{data.lockedUntil}}. If that was not you, someone may be guessing your password: reset it once the lock ends.',
  },
};
