// A Redis server of a test's own (issue 18 chaos suite): a real redis-server on a free port, no
// persistence, which the test may pause with `CLIENT PAUSE` without touching the machine's shared
// Redis that other suites use.
import { execFile, spawn } from 'node:child_process';
import { freePort, portOpen } from './ports';

export interface OwnRedis {
  port: number;
  url: string;
  /** `CLIENT PAUSE <ms> ALL`: every client's commands wait that long; resolves once the pause is set */
  pause(ms: number): Promise<void>;
  /** stops the server; safe to call twice */
  destroy(): Promise<void>;
}

function redisCli(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`redis-cli ${args.join(' ')}: ${err.message} ${stderr}`));
      else resolve(stdout.trim());
    });
  });
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const up = await portOpen(port);
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`own redis-server did not start on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async pause(ms) {
      const reply = await redisCli(port, ['CLIENT', 'PAUSE', String(ms), 'ALL']);
      if (reply !== 'OK') throw new Error(`CLIENT PAUSE answered ${reply}`);
    },
    async destroy() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
