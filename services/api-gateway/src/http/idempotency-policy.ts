// Which POSTs must carry an Idempotency-Key (DESIGN.md §8; issue 5 item 4): the ones that move
// money or place an order or a job, where a retried request must never act twice. Every other
// POST honours a key when the client sends one. The one place this list lives.
import { PathPatterns } from './routing-table';

/** Exact paths (`*` is one segment) of POSTs that answer 400 without an Idempotency-Key. */
export const IDEMPOTENCY_REQUIRED_POSTS: readonly string[] = [
  '/v1/orders',
  '/v1/jobs',
  '/v1/wallets/*/credits',
  '/v1/wallets/*/refunds',
  '/v1/payouts',
];

const required = new PathPatterns(IDEMPOTENCY_REQUIRED_POSTS.map((path) => [path, true] as const));

export function idempotencyKeyRequired(method: string, path: string): boolean {
  return method === 'POST' && required.match(path, true) === true;
}
