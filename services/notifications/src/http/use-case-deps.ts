// What the routes hand the use cases.
import type { PrismaClient } from '../db';

export interface UseCaseDeps {
  prisma: PrismaClient;
  now: () => Date;
}

/** How live feed streams behave (GET /v1/feed/stream). */
export interface FeedStreamOptions {
  /** how often an open stream looks for new items */
  pollMs: number;
  /** a comment line this often keeps proxies (the gateway cuts a body silent for 10 s) from closing it */
  heartbeatMs: number;
  /** true once the service is stopping: open streams end so the server can close */
  stopping: () => boolean;
}
