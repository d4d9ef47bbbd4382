// A runner heard from after a silence long enough to have made it stale (DESIGN.md §10) comes back
// at its heartbeat, not at the sweeper's next pass: after an outage — its database restarting, a
// runner stuck retrying a completion — it claims again, and counts for the fail fast of
// submissions, from its first heartbeat. The sweeper still recovers any runner this missed (the
// database was down at that heartbeat), so this is the fast lane, not the only one.
import { emitEvents, event } from '../data/outbox.repository';
import { setRunnerStatus, touchSilentRunner } from '../data/runner-liveness.repository';
import type { UseCaseDeps } from './use-case-deps';

/** true when the runner was stale or offline and is now active (or draining, if an operator drained it). */
export async function recoverHeardRunner(deps: UseCaseDeps, runnerId: string, heardAt: Date): Promise<boolean> {
  return deps.prisma.$transaction(async (tx) => {
    // the UPDATE takes the row lock the sweeper's pass takes too, so they decide one after the other
    const runner = await touchSilentRunner(tx, runnerId, heardAt);
    if (!runner) return false;
    // An operator's drain outlives the silence (issue 14): it comes back draining, not active.
    await setRunnerStatus(tx, runner.id, runner.drainRequested ? 'draining' : 'active', deps.now());
    await emitEvents(tx, [
      event('runner.recovered', {
        runnerId: runner.id,
        name: runner.name,
        previousStatus: runner.status as 'stale' | 'offline',
        lastHeartbeatAt: heardAt.toISOString(),
      }),
    ]);
    return true;
  });
}
