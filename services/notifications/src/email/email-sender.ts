// The sender loop: runs domain/send-emails.ts batches after each consumer commit (wake) and on an
// interval (rows other replicas committed, retries coming due, leases running out), one batch at a
// time per process, until a batch comes back short.
import type { Logger } from '@runfleet/service-kit';
import { sendDueEmails, type SendEmailsDeps } from '../domain/send-emails';

export interface EmailSender {
  /** a consumer committed send rows: look now rather than at the next interval */
  wake(): void;
  start(): void;
  /** stops the interval and waits for the batch in flight */
  stop(): Promise<void>;
}

export function emailSender(deps: SendEmailsDeps & { intervalMs: number; logger: Logger }): EmailSender {
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  async function drain(): Promise<void> {
    while (!stopped) {
      const claimed = await sendDueEmails(deps);
      if (claimed < deps.batchSize && !again) return;
      again = false;
    }
  }

  function wake(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((err: unknown) => deps.logger.warn({ err }, 'email sending failed; will retry at the next interval'))
      .finally(() => {
        running = null;
        if (again && !stopped) {
          again = false;
          wake();
        }
      });
  }

  return {
    wake,
    start() {
      timer = setInterval(wake, deps.intervalMs);
      timer.unref();
      wake();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
