// Runs the operator CLIs (dead letters, topology) as an operator would (a separate process, AMQP_URL in its environment),
// from its TypeScript source through the test register, so no build is needed.
import { execFile } from 'node:child_process';
import path from 'node:path';

const REGISTER = path.join(__dirname, '../fixtures/register.js');
const CLI = path.join(__dirname, '../../src/cli/dead-letters.ts');
const TOPOLOGY_CLI = path.join(__dirname, '../../src/cli/topology.ts');

export function runDeadLettersCli(args: string[], amqpUrl: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(CLI, args, amqpUrl);
}

export function runTopologyCli(args: string[], amqpUrl: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(TOPOLOGY_CLI, args, amqpUrl);
}

function runCli(cli: string, args: string[], amqpUrl: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--require', REGISTER, cli, ...args],
      { env: { ...process.env, AMQP_URL: amqpUrl }, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
