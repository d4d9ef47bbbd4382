// Queue notifications.account-mail: the reseller service's user.* mail events, each recorded as one
// send row to the address it names (domain/account-mail.ts); the sender loop mails it after commit.
// A sealed token that does not open (altered, sealed for another user or under another key) fails
// validation, so the message goes to notifications.account-mail.dead at once: no retry can open it.
import { consumerQueue } from '@runfleet/contracts';
import { contractValidator, prismaTransactions, type Consumer, type EventValidator, type Messaging } from '@runfleet/messaging';
import type { Prisma, PrismaClient } from '../db';
import { recordAccountMail, type AccountMailLinks } from '../domain/account-mail';

// Its bindings are the contracts' (packages/contracts consumer-queues.ts), which producers declare ahead.
const QUEUE = consumerQueue('notifications', 'account-mail');
export const ACCOUNT_MAIL_CONCERN = QUEUE.concern;
const EVENTS = QUEUE.events;

export interface AccountMailDeps {
  /** a client whose commits wake the email sender (main.ts) */
  prisma: PrismaClient;
  links: AccountMailLinks;
}

/** The contract's validation, then the token must open; the error names neither the token nor its seal. */
function tokenOpens(links: AccountMailLinks): EventValidator {
  return (type, data) => {
    const valid = contractValidator(type, data) as { userId: string; sealedToken?: string };
    if (!links.opens(valid)) throw new Error(`${type}: sealedToken does not open for user ${valid.userId} (altered, sealed for another user, or under another key)`);
    return valid;
  };
}

export function consumeAccountMail(messaging: Messaging, deps: AccountMailDeps): Promise<Consumer<(typeof EVENTS)[number], Prisma.TransactionClient>> {
  return messaging.consume<(typeof EVENTS)[number], Prisma.TransactionClient>({
    concern: ACCOUNT_MAIL_CONCERN,
    events: EVENTS,
    validate: tokenOpens(deps.links),
    transaction: prismaTransactions<Prisma.TransactionClient>(deps.prisma),
    handler: async (envelope, { tx }) => {
      await recordAccountMail(tx, envelope);
    },
  });
}
