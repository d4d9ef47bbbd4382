// Long-polling claims waiting in this process (issue 14 item 5): a queued job wakes only the
// waiters that could take it, within milliseconds of its commit, instead of each claim polling the
// database. Notices arrive from this process's own use cases and, through Redis, from other
// replicas (data/queued-job-channel.ts). No I/O here.
import { canTake, type QueuedJobNotice, type WaitingRunner } from './queued-job-notice';

export class ClaimTicket {
  /** null until the runner is known: then any notice wakes the ticket (a notice is never missed) */
  runner: WaitingRunner | null = null;
  private woken = false;
  private wake: (() => void) | null = null;

  constructor(private readonly owner: ClaimWaiters) {}

  /** Forget earlier wake-ups: called right before each claim attempt. */
  reset(): void {
    this.woken = false;
  }

  notify(): void {
    this.woken = true;
    this.wake?.();
  }

  /** told since its last reset: it is about to claim again */
  get isWoken(): boolean {
    return this.woken;
  }

  /** Resolves when a notice this runner could act on arrives, after `ms`, or on abort or shutdown. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.woken || signal?.aborted || this.owner.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }

  leave(): void {
    this.owner.remove(this);
  }
}

export class ClaimWaiters {
  private readonly tickets = new Set<ClaimTicket>();
  closed = false;

  enter(): ClaimTicket {
    const ticket = new ClaimTicket(this);
    this.tickets.add(ticket);
    return ticket;
  }

  remove(ticket: ClaimTicket): void {
    this.tickets.delete(ticket);
  }

  get size(): number {
    return this.tickets.size;
  }

  /**
   * Each job wakes one waiting claim that could take it, the longest waiting first — not every
   * compatible one: with 50 idle runners, waking all made 50 claim transactions per queued job, 49
   * of them finding nothing (docs/benchmarks.md "Saga"). A claim whose runner is not known yet
   * (its attempt is running, its snapshot may predate the job) is always told, so it tries again.
   * If the one woken claim does not take the job (its runner was disabled meanwhile, say), the
   * others find it at their next re-check (RECHECK_MS) or wake-up.
   */
  notify(jobs: readonly QueuedJobNotice[]): void {
    if (jobs.length === 0) return;
    const unclaimed = [...jobs];
    for (const ticket of this.tickets) {
      const runner = ticket.runner;
      if (runner === null) {
        ticket.notify();
        continue;
      }
      if (ticket.isWoken || unclaimed.length === 0) continue;
      const index = unclaimed.findIndex((job) => canTake(runner, job));
      if (index === -1) continue;
      unclaimed.splice(index, 1);
      ticket.notify();
    }
  }

  /** Graceful stop: every waiting claim answers now (nothing claimed) instead of holding the shutdown. */
  close(): void {
    this.closed = true;
    for (const ticket of this.tickets) ticket.notify();
  }
}
