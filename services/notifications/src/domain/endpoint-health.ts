// What a run of failed attempts does to an endpoint (issue 17 item 2; DESIGN.md §10 "Webhooks"):
// 410 Gone disables it at once; failing every attempt for `disableAfterMs` disables it; and, beyond
// Standard Webhooks and Svix, its owner is warned `warnBeforeMs` before that. A success ends the run
// (the dispatcher clears it). Judged when attempts are recorded, so the warning and the disabling
// come with the attempts the retry schedule makes.
import type { WebhookPolicy } from './webhook-policy';

export interface EndpointFailureState {
  failingSince: Date | null;
  warnedAt: Date | null;
}

export type HealthDecision =
  | { kind: 'disable'; reason: 'gone' | 'failing' }
  | { kind: 'failing'; failingSince: Date; warnedAt: Date | null; warn: boolean; disableAt: Date };

export function afterFailedAttempts(
  policy: WebhookPolicy,
  state: EndpointFailureState,
  input: { firstFailureAt: Date; gone: boolean; now: Date },
): HealthDecision {
  if (input.gone) return { kind: 'disable', reason: 'gone' };
  const failingSince = state.failingSince ?? input.firstFailureAt;
  const disableAt = new Date(failingSince.getTime() + policy.disableAfterMs);
  if (input.now >= disableAt) return { kind: 'disable', reason: 'failing' };
  const warnAt = disableAt.getTime() - policy.warnBeforeMs;
  const warn = state.warnedAt === null && input.now.getTime() >= warnAt;
  return { kind: 'failing', failingSince, warnedAt: warn ? input.now : state.warnedAt, warn, disableAt };
}
