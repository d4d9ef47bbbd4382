// What the webhook use cases are given by their entry points (routes, tests, bench).
import type { PrismaClient } from '../db';
import type { SecretCipher } from './secret-cipher';
import type { WebhookPolicy } from './webhook-policy';

export interface WebhookDeps {
  prisma: PrismaClient;
  /** read through this so tests can move time */
  now: () => Date;
  cipher: SecretCipher;
  policy: WebhookPolicy;
  /** the dev flag WEBHOOKS_ALLOW_INSECURE_LOOPBACK */
  allowInsecureLoopback: boolean;
  /** tells this process's dispatcher a delivery is due now (test events, replays) */
  deliveriesDue?: () => void;
}
