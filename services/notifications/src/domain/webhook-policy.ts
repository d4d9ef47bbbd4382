// The timing rules of webhook delivery (issue 17 item 2), all configurable so tests scale them:
// the retry schedule after each failed attempt, how long an endpoint may fail every attempt before
// it is disabled, how long before that its owner is warned, how long a rotated-out secret still signs.
export interface WebhookPolicy {
  /** delay before attempt n+1 after failed attempt n (1-based); after the last, the delivery fails */
  retryScheduleMs: readonly number[];
  /** an endpoint failing every attempt this long is disabled */
  disableAfterMs: number;
  /** its owner is warned (webhook.endpoint_failing) this long before that */
  warnBeforeMs: number;
  /** a rotated-out secret keeps signing (both signatures sent) this long */
  secretOverlapMs: number;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `5s`, `5m`, `2h`, `5d` → milliseconds; throws naming the text it cannot read. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration like 500ms, 5s, 5m, 2h or 5d`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

export function parseSchedule(text: string): number[] {
  const delays = text.split(',').map(parseDuration);
  if (delays.length === 0) throw new Error('the retry schedule needs at least one delay');
  return delays;
}

/** Standard Webhooks' and Svix's schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h,10h';

export function defaultWebhookPolicy(): WebhookPolicy {
  return {
    retryScheduleMs: parseSchedule(DEFAULT_RETRY_SCHEDULE),
    disableAfterMs: parseDuration('5d'),
    warnBeforeMs: parseDuration('1d'),
    secretOverlapMs: parseDuration('24h'),
  };
}

/** Delay before the next attempt after `attemptsSinceReplay` failed ones, or null: no attempt left. */
export function retryDelay(policy: WebhookPolicy, attemptsSinceReplay: number): number | null {
  return policy.retryScheduleMs[attemptsSinceReplay - 1] ?? null;
}
