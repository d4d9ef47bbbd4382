// The hold-expiry sweep (DESIGN.md §10 "Holds"; issue 15 item 3): a job whose hold outlives its TTL
// never finished as far as billing knows, so the money goes back to available (wallet.hold_released,
// reason expired). Safe with several replicas: due holds are claimed with SKIP LOCKED, and each is
// released under its lock like a void, so a posting racing the sweep wins or loses cleanly.
import { lockExpiredHolds } from '../data/hold.repository';
import { MONEY_TRANSACTION } from '../db';
import { releaseJobHold } from './settle-job-hold';
import type { UseCaseDeps } from './use-case-deps';

/** Expires up to `batch` due holds in one transaction; returns how many it released. */
export async function expireDueHolds(deps: UseCaseDeps, batch = 100): Promise<number> {
  return deps.prisma.$transaction(async (tx) => {
    const now = deps.now();
    const due = await lockExpiredHolds(tx, now, batch);
    let released = 0;
    for (const hold of due) {
      if ((await releaseJobHold(tx, hold.referenceId, 'expired', now, { type: 'system', id: 'hold-sweeper' })) === 'expired') released += 1;
    }
    return released;
  }, MONEY_TRANSACTION);
}

/** Sweeps until no due hold is left (a batch at a time, so no transaction holds many locks). */
export async function expireAllDueHolds(deps: UseCaseDeps, batch = 100): Promise<number> {
  let total = 0;
  for (;;) {
    const released = await expireDueHolds(deps, batch);
    total += released;
    if (released < batch) return total;
  }
}
