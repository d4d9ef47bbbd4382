// Which waiting claims a queued job wakes (issue 14 item 5: an incompatible job must not wake one).
import { ClaimWaiters } from '../../src/domain/claim-waiters';
import { canTake } from '../../src/domain/queued-job-notice';

const gpu = { jobTypes: ['render'], labels: { gpu: 'a100', region: 'eu' }, customerId: null };
const ownRunner = { jobTypes: ['render'], labels: {}, customerId: 'c-1' };

describe('canTake', () => {
  it('needs the type, every required label, and the customer for a customer’s runner', () => {
    expect(canTake(gpu, { type: 'render', requiredLabels: { gpu: 'a100' }, customerId: 'c-9' })).toBe(true);
    expect(canTake(gpu, { type: 'encode', requiredLabels: {}, customerId: 'c-9' })).toBe(false);
    expect(canTake(gpu, { type: 'render', requiredLabels: { gpu: 'h100' }, customerId: 'c-9' })).toBe(false);
    expect(canTake(ownRunner, { type: 'render', requiredLabels: {}, customerId: 'c-1' })).toBe(true);
    expect(canTake(ownRunner, { type: 'render', requiredLabels: {}, customerId: 'c-2' })).toBe(false);
  });
});

describe('ClaimWaiters', () => {
  it('wakes only the tickets whose runner could take a job; a ticket whose runner is not known yet wakes on any', async () => {
    const waiters = new ClaimWaiters();
    const compatible = waiters.enter();
    compatible.runner = gpu;
    const other = waiters.enter();
    other.runner = ownRunner;
    const unknown = waiters.enter();
    const woke: string[] = [];
    const waits = [
      compatible.wait(1_000).then(() => woke.push('compatible')),
      other.wait(200).then(() => woke.push('other (timed out)')),
      unknown.wait(1_000).then(() => woke.push('unknown')),
    ];
    waiters.notify([{ type: 'render', requiredLabels: { region: 'eu' }, customerId: 'c-9' }]);
    await Promise.all(waits);
    expect(woke).toEqual(['compatible', 'unknown', 'other (timed out)']);
  });

  it('each job wakes one waiting claim that could take it, the longest waiting first, not every one', async () => {
    const waiters = new ClaimWaiters();
    const tickets = Array.from({ length: 5 }, () => {
      const ticket = waiters.enter();
      ticket.runner = gpu;
      return ticket;
    });
    const woke: number[] = [];
    const waits = tickets.map((ticket, i) => ticket.wait(300).then(() => woke.push(i)));
    waiters.notify([{ type: 'render', requiredLabels: {}, customerId: 'c-9' }]);
    // a second notice does not wake the same claim again: it goes to the next one
    waiters.notify([
      { type: 'render', requiredLabels: {}, customerId: 'c-9' },
      { type: 'render', requiredLabels: {}, customerId: 'c-9' },
    ]);
    await Promise.all(waits);
    // three woken at once in order; the other two only timed out after 300 ms
    expect(woke).toEqual([0, 1, 2, 3, 4]);
    expect(tickets.map((t) => t.isWoken)).toEqual([true, true, true, false, false]);
  });

  it('a notice that arrives before the wait makes the wait return at once; reset forgets it', async () => {
    const waiters = new ClaimWaiters();
    const ticket = waiters.enter();
    ticket.notify();
    const started = Date.now();
    await ticket.wait(5_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    ticket.reset();
    const second = Date.now();
    await ticket.wait(100);
    expect(Date.now() - second).toBeGreaterThanOrEqual(90);
  });

  it('close() answers every waiting claim and makes later waits return at once', async () => {
    const waiters = new ClaimWaiters();
    const ticket = waiters.enter();
    const waiting = ticket.wait(60_000);
    waiters.close();
    await waiting;
    await waiters.enter().wait(60_000);
    expect(waiters.closed).toBe(true);
  });
});
