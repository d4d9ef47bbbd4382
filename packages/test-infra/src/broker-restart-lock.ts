// `rabbitmqctl stop_app` stops the whole broker, not just this suite's vhost, so tests that restart
// it take this machine-wide lock (a directory: mkdir is atomic) and never overlap, whichever jest
// process runs them. A lock left by a dead process is taken over. createTestVhost waits while the
// lock is held, so no suite starts against a broker that is being restarted.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const BROKER_RESTART_LOCK = path.join(tmpdir(), 'runfleet-broker-restart.lock');

function ownerAlive(): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(BROKER_RESTART_LOCK, 'pid'), 'utf8'));
  } catch {
    pid = 0;
  }
  if (!pid) {
    // Taken a moment ago and the pid not written yet — or its owner died in between.
    try {
      return Date.now() - statSync(BROKER_RESTART_LOCK).mtimeMs < 5_000;
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Resolves once no live process holds the broker-restart lock (at once when none does). */
export async function brokerRestartFinished(timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (lockHeld() && ownerAlive()) {
    if (Date.now() > deadline) throw new Error(`the broker restart holding ${BROKER_RESTART_LOCK} did not finish in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function lockHeld(): boolean {
  try {
    statSync(BROKER_RESTART_LOCK);
    return true;
  } catch {
    return false;
  }
}

export async function withBrokerRestartLock<T>(fn: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(BROKER_RESTART_LOCK);
      writeFileSync(path.join(BROKER_RESTART_LOCK, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (!ownerAlive()) {
        rmSync(BROKER_RESTART_LOCK, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${BROKER_RESTART_LOCK}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(BROKER_RESTART_LOCK, { recursive: true, force: true });
  }
}
