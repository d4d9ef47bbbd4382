// Forks the crash-test fixture (test/fixtures/messaging-child-main.ts) and talks to it over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { ChildConfig } from '../fixtures/messaging-child-main';

const ENTRY = path.join(__dirname, '../fixtures/messaging-child.js');

export interface FixtureProcess {
  child: ChildProcess;
  /** resolves once modules are loaded (a warm spare) */
  loaded: Promise<void>;
  /** connects and runs the role; resolves when it reports ready */
  start(config: ChildConfig): Promise<void>;
  kill(): Promise<void>;
}

function waitForMessage(child: ChildProcess, key: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Record<string, unknown>) => {
      if (message[key]) {
        cleanup();
        resolve();
      } else if (message.error) {
        cleanup();
        reject(new Error(`fixture failed: ${String(message.error)}`));
      }
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`fixture exited (${code ?? signal}) before '${key}'`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

export function forkFixture(): FixtureProcess {
  const child = fork(ENTRY, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env } });
  const loaded = waitForMessage(child, 'loaded');
  loaded.catch(() => undefined);
  return {
    child,
    loaded,
    async start(config) {
      await loaded;
      const ready = waitForMessage(child, 'ready');
      child.send({ start: config });
      await ready;
    },
    kill() {
      return new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    },
  };
}

/** Resolves when the process ends (for a fixture that kills itself). */
export function exited(fixture: FixtureProcess): Promise<string | number | null> {
  const { child } = fixture;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.signalCode ?? child.exitCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
}
