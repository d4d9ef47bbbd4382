// Email metrics (issue 17 item 7): sends by outcome, resends after a crash, and the backlog.
import { Counter, Gauge, type Registry } from 'prom-client';
import { emailBacklog } from '../data/email-send.repository';
import type { Db } from '../db';
import type { SendOutcome } from '../domain/send-emails';

export interface EmailMetrics {
  outcome(outcome: SendOutcome): void;
  resent(): void;
}

export function emailMetrics(registry: Registry, db: Db): EmailMetrics {
  const sends = new Counter({
    name: 'runfleet_email_sends_total',
    help: 'Email send attempts by outcome (sent, retry, skipped: the account is inactive or the link expired, failed: given up)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const resent = new Counter({
    name: 'runfleet_email_resent_total',
    help: 'Send rows claimed while still marked sending: a sender died between claiming and marking, so the mail may go out twice',
    registers: [registry],
  });
  let backlog: Promise<{ pending: number; oldestCreatedAt: Date | null }> | null = null;
  // Both gauges read one query per scrape.
  const readBacklog = () => (backlog ??= emailBacklog(db).finally(() => setTimeout(() => (backlog = null), 0)));
  new Gauge({
    name: 'runfleet_email_backlog',
    help: 'Emails recorded and not sent yet (pending or being sent)',
    registers: [registry],
    async collect() {
      this.set((await readBacklog()).pending);
    },
  });
  new Gauge({
    name: 'runfleet_email_oldest_pending_seconds',
    help: 'Age of the oldest email not sent yet; 0 when none waits',
    registers: [registry],
    async collect() {
      const { oldestCreatedAt } = await readBacklog();
      this.set(oldestCreatedAt ? (Date.now() - oldestCreatedAt.getTime()) / 1000 : 0);
    },
  });
  return {
    outcome: (outcome) => sends.inc({ outcome }),
    resent: () => resent.inc(),
  };
}
