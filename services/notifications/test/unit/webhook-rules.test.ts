// The webhook rules without I/O: event filters, durations and the schedule, what a run of failures
// does to an endpoint, and the configuration that carries them (a bad value stops boot naming it).
import { afterFailedAttempts } from '../../src/domain/endpoint-health';
import { matchesEventType } from '../../src/domain/event-filter';
import { parseDuration, parseSchedule, retryDelay, defaultWebhookPolicy } from '../../src/domain/webhook-policy';
import { configSchema } from '../../src/config';

describe('event filters', () => {
  it('match exact names, namespaces and everything', () => {
    expect(matchesEventType(['job.completed'], 'job.completed')).toBe(true);
    expect(matchesEventType(['job.completed'], 'job.failed')).toBe(false);
    expect(matchesEventType(['job.*'], 'job.failed')).toBe(true);
    expect(matchesEventType(['job.*'], 'jobs.failed')).toBe(false);
    expect(matchesEventType(['wallet.*', 'order.paid'], 'order.paid')).toBe(true);
    expect(matchesEventType(['*'], 'payout.failed')).toBe(true);
  });
});

describe('the schedule', () => {
  it('is 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h by default, then no attempt is left', () => {
    const policy = defaultWebhookPolicy();
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelay(policy, n))).toEqual([5e3, 3e5, 18e5, 72e5, 18e6, 36e6, 36e6, null]);
  });

  it('reads durations and refuses what it cannot read', () => {
    expect(parseSchedule('100ms,2s,1m,1h,1d')).toEqual([100, 2000, 60_000, 3_600_000, 86_400_000]);
    expect(() => parseDuration('5 minutes')).toThrow(/not a duration/);
  });
});

describe('a run of failures', () => {
  const policy = { ...defaultWebhookPolicy(), disableAfterMs: 1000, warnBeforeMs: 300 };
  const t = (ms: number) => new Date(1_000_000 + ms);

  it('starts at the first failure, warns once inside the warning window, disables at the limit', () => {
    const fresh = afterFailedAttempts(policy, { failingSince: null, warnedAt: null }, { firstFailureAt: t(0), gone: false, now: t(0) });
    expect(fresh).toEqual({ kind: 'failing', failingSince: t(0), warnedAt: null, warn: false, disableAt: t(1000) });
    const warned = afterFailedAttempts(policy, { failingSince: t(0), warnedAt: null }, { firstFailureAt: t(750), gone: false, now: t(750) });
    expect(warned).toMatchObject({ kind: 'failing', warn: true, warnedAt: t(750) });
    const again = afterFailedAttempts(policy, { failingSince: t(0), warnedAt: t(750) }, { firstFailureAt: t(900), gone: false, now: t(900) });
    expect(again).toMatchObject({ kind: 'failing', warn: false });
    expect(afterFailedAttempts(policy, { failingSince: t(0), warnedAt: t(750) }, { firstFailureAt: t(1000), gone: false, now: t(1000) })).toEqual({ kind: 'disable', reason: 'failing' });
  });

  it('disables at once on 410 Gone', () => {
    expect(afterFailedAttempts(policy, { failingSince: null, warnedAt: null }, { firstFailureAt: t(0), gone: true, now: t(0) })).toEqual({ kind: 'disable', reason: 'gone' });
  });
});

describe('configuration', () => {
  const base = { PRINCIPAL_SECRET: 'x'.repeat(32), AMQP_URL: 'amqp://localhost', DATABASE_URL: 'postgresql://localhost/n' };

  it('defaults to the standard schedule, 5 days, a 1-day warning and no dev flag', () => {
    const config = configSchema.parse(base);
    expect(config.WEBHOOK_RETRY_SCHEDULE).toHaveLength(7);
    expect(config.WEBHOOK_DISABLE_AFTER).toBe(5 * 86_400_000);
    expect(config.WEBHOOK_WARN_BEFORE).toBe(86_400_000);
    expect(config.WEBHOOKS_ALLOW_INSECURE_LOOPBACK).toBe(false);
  });

  it('refuses a schedule it cannot read, naming the variable', () => {
    const result = configSchema.safeParse({ ...base, WEBHOOK_RETRY_SCHEDULE: '5s,soon' });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({ path: ['WEBHOOK_RETRY_SCHEDULE'], message: expect.stringContaining('"soon" is not a duration') });
  });
});
