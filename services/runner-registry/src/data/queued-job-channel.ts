// Announces queued jobs to every replica's long-polling claims (issue 14 item 5: a job queued
// while runners wait reaches one within 100 ms) over Redis pub/sub. Not LISTEN/NOTIFY: a NOTIFY
// inside the queueing transaction would serialise commits (see the outbox_wake_after_commit
// migration). This process's own waiters are told directly, without the round trip.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '@runfleet/service-kit';
import type { ClaimWaiters } from '../domain/claim-waiters';
import type { QueuedJobAnnouncer, QueuedJobNotice } from '../domain/queued-job-notice';

interface Message {
  origin: string;
  jobs: QueuedJobNotice[];
}

export class QueuedJobChannel implements QueuedJobAnnouncer {
  private readonly origin = randomUUID();
  readonly channel: string;

  constructor(
    private readonly options: {
      /** for PUBLISH */
      redis: Redis;
      /** a connection of its own: a subscribed connection can do nothing else */
      subscriber: Redis;
      keyPrefix: string;
      waiters: ClaimWaiters;
      logger: Logger;
    },
  ) {
    this.channel = `${options.keyPrefix}jobs-queued`;
  }

  /** Subscribes; ioredis re-subscribes by itself after a reconnect. */
  async start(): Promise<void> {
    this.options.subscriber.on('message', (channel: string, text: string) => {
      if (channel !== this.channel) return;
      try {
        const message = JSON.parse(text) as Message;
        if (message.origin !== this.origin) this.options.waiters.notify(message.jobs);
      } catch (err) {
        this.options.logger.warn({ err }, 'unreadable queued-job announcement ignored');
      }
    });
    await this.options.subscriber.subscribe(this.channel);
  }

  /** Call after the transaction that queued these jobs has committed. */
  announce(jobs: readonly QueuedJobNotice[]): void {
    if (jobs.length === 0) return;
    this.options.waiters.notify(jobs);
    const message: Message = { origin: this.origin, jobs: [...jobs] };
    // Waiters elsewhere re-check within RECHECK_MS anyway, so a lost announcement only delays them.
    this.options.redis.publish(this.channel, JSON.stringify(message)).catch((err: unknown) => {
      this.options.logger.warn({ err }, 'could not announce queued jobs to other replicas');
    });
  }
}
