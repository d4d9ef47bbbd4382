// The notifications service as a process from its build (dist/main.js), for the tests that kill it:
// started with the caller's settings on a free port, stopped by a signal and awaited.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const BUILT_MAIN = path.resolve(__dirname, '../../dist/main.js');

export function startBuiltService(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [BUILT_MAIN], { env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env }, stdio: 'ignore' });
}

/** Sends `signal` to a process still running and waits for it to exit. */
export async function stopProcess(child: ChildProcess | null, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}
