// Runners as admins and customers manage them (issue 14 item 2): an admin all, a customer its own
// (a reseller reads its customers'). List with discovery filters, get, change labels and capacity,
// drain (finish what it holds, take nothing new), disable (its token stops working), delete.
import type { Page } from '@runfleet/contracts';
import { AppError } from '@runfleet/service-kit';
import { emitEvents, event } from '../data/outbox.repository';
import {
  deleteRunner as removeRunner,
  findRunner,
  listRunners as queryRunners,
  lockRunner,
  updateRunner,
  type RunnerListFilters,
  type RunnerRecord,
  type RunnerStatus,
} from '../data/runner.repository';
import { ownerScopeOf, requireRole, type Actor } from './actor';
import type { QueuedJobAnnouncer } from './queued-job-notice';
import { notFound } from './registry-errors';
import { releaseHeldJobs } from './release-held-jobs';
import type { UseCaseDeps } from './use-case-deps';

export interface RunnerDeps extends UseCaseDeps {
  queuedJobs: QueuedJobAnnouncer;
  /** a deleted runner's heartbeats leave Redis with it */
  heartbeats: { forget(runnerId: string): Promise<void> };
}

export function listRunners(deps: UseCaseDeps, actor: Actor, filters: RunnerListFilters): Promise<Page<RunnerRecord>> {
  return queryRunners(deps.prisma, ownerScopeOf(actor), filters);
}

export async function getRunner(deps: UseCaseDeps, actor: Actor, runnerId: string): Promise<RunnerRecord> {
  const runner = await findRunner(deps.prisma, ownerScopeOf(actor), runnerId);
  if (!runner) throw notFound.runner();
  return runner;
}

/** A reseller may read its customers' runners but change none; a customer only its own. */
async function lockManaged(deps: UseCaseDeps, tx: Parameters<typeof lockRunner>[0], actor: Actor, runnerId: string): Promise<RunnerRecord> {
  requireRole(actor, 'admin', 'customer');
  const runner = await lockRunner(tx, ownerScopeOf(actor), runnerId);
  if (!runner) throw notFound.runner();
  return runner;
}

export async function updateRunnerSettings(
  deps: UseCaseDeps,
  actor: Actor,
  runnerId: string,
  changes: { labels?: Record<string, string>; capacity?: number },
): Promise<RunnerRecord> {
  return deps.prisma.$transaction(async (tx) => {
    await lockManaged(deps, tx, actor, runnerId);
    return updateRunner(tx, runnerId, changes, deps.now());
  });
}

/** Draining: the runner finishes the jobs it holds and claims nothing new; it still heartbeats. */
export async function drainRunner(deps: UseCaseDeps, actor: Actor, runnerId: string): Promise<RunnerRecord> {
  return deps.prisma.$transaction(async (tx) => {
    const runner = await lockManaged(deps, tx, actor, runnerId);
    if (runner.status === 'disabled') throw conflict(runner.status, 'a disabled runner cannot drain');
    if (runner.status === 'draining') return runner;
    return updateRunner(tx, runnerId, { status: 'draining', drainRequested: true }, deps.now());
  });
}

/**
 * Puts a drained or disabled runner back to work. A drained runner that has gone silent stays
 * `stale` / `offline` (that is the sweeper's to judge) but will recover `active`, not `draining`.
 */
export async function activateRunner(deps: UseCaseDeps, actor: Actor, runnerId: string): Promise<RunnerRecord> {
  return deps.prisma.$transaction(async (tx) => {
    const runner = await lockManaged(deps, tx, actor, runnerId);
    if (runner.status === 'stale' || runner.status === 'offline') {
      return runner.drainRequested ? updateRunner(tx, runnerId, { drainRequested: false }, deps.now()) : runner;
    }
    if (runner.status !== 'draining' && runner.status !== 'disabled') return runner;
    return updateRunner(tx, runnerId, { status: 'active', drainRequested: false }, deps.now());
  });
}

/**
 * The runner token stops verifying at once here, and at the gateway within a second (runner.revoked
 * drops its cached principal); the jobs it held go back to the queue or fail (release-held-jobs.ts).
 */
export async function disableRunner(deps: RunnerDeps, actor: Actor, runnerId: string): Promise<RunnerRecord> {
  const { runner, queued } = await deps.prisma.$transaction(async (tx) => {
    const current = await lockManaged(deps, tx, actor, runnerId);
    if (current.status === 'disabled') return { runner: current, queued: [] };
    const now = deps.now();
    const released = await releaseHeldJobs(tx, runnerId, 'runner_released', now);
    const disabled = await updateRunner(tx, runnerId, { status: 'disabled' }, now);
    await emitEvents(tx, [event('runner.revoked', { runnerId, keyId: runnerId, name: disabled.name, reason: 'disabled' })]);
    return { runner: disabled, queued: released.queued };
  });
  deps.queuedJobs.announce(queued);
  return runner;
}

export async function deleteRunner(deps: RunnerDeps, actor: Actor, runnerId: string): Promise<void> {
  const queued = await deps.prisma.$transaction(async (tx) => {
    const runner = await lockManaged(deps, tx, actor, runnerId);
    const released = await releaseHeldJobs(tx, runnerId, 'runner_released', deps.now());
    await removeRunner(tx, runnerId);
    if (runner.status !== 'disabled') {
      await emitEvents(tx, [event('runner.revoked', { runnerId, keyId: runnerId, name: runner.name, reason: 'deleted' })]);
    }
    return released.queued;
  });
  deps.queuedJobs.announce(queued);
  // After the commit; a left-over entry would only be written behind to no row.
  await deps.heartbeats.forget(runnerId).catch(() => undefined);
}

function conflict(status: RunnerStatus, wanted: string): AppError {
  return AppError.conflict('RUNNER_INVALID_TRANSITION', `The runner is ${status}; ${wanted}.`);
}
