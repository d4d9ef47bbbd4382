// `npm start` stops gracefully on a SIGINT sent to its own process (issue 12 item 6), as it does
// on a terminal's Ctrl-C (sent to the whole group) and on SIGTERM. The stack runs on its own ports,
// databases and vhost (RUNFLEET_PORT_BASE, RUNFLEET_DATABASE_PREFIX, AMQP_URL), so it never meets
// a developer's running stack; already built, without the demo seed.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { createTestVhost, dropDatabase, type TestVhost } from '@runfleet/test-infra';
import { ROOT, assertBuilt, freePort } from '../support/stack';

const SERVICE_NAMES = ['api-gateway', 'reseller', 'billing', 'runner-registry', 'notifications'];
const DATABASES = ['reseller', 'billing', 'runner_registry', 'notifications'];

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A base port with base..base+10 all free (the stack's five ports and the gateway's metrics port). */
async function freePortBase(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const base = await freePort();
    if (base > 65_000) continue;
    const ports = Array.from({ length: 11 }, (_, i) => base + i);
    if (!(await Promise.all(ports.map(listening))).some(Boolean)) return base;
  }
  throw new Error('no free run of 11 ports');
}

let vhost: TestVhost;
let child: ChildProcess | undefined;
const databasePrefix = `rf_sigint_${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  assertBuilt();
  vhost = await createTestVhost('e2e_sigint');
}, 30_000);

let stackPorts: number[] = [];

afterAll(async () => {
  // Only when the test failed with the stack still up. SIGTERM reaches the supervisor (it stops the
  // services it started, which run in their own process groups); the group kill is the last resort.
  if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    process.kill(child.pid, 'SIGTERM');
    const deadline = Date.now() + 25_000;
    while (Date.now() < deadline && (await Promise.all(stackPorts.map(listening))).some(Boolean)) await new Promise((r) => setTimeout(r, 250));
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
  }
  await Promise.all(DATABASES.map((name) => dropDatabase(`${databasePrefix}_${name}`)));
  await vhost?.drop();
}, 60_000);

it('kill -INT <pid of npm start> stops every service gracefully and frees every port', async () => {
  const base = await freePortBase();
  // the five services, the mail catcher (base + 5) and the gateway's metrics port
  const ports = [base, base + 1, base + 2, base + 3, base + 4, base + 5, base + 10];
  stackPorts = ports;
  const output: string[] = [];
  // Detached: the test's SIGINT must reach npm's process only, never a whole terminal group.
  child = spawn('npm', ['start'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      RUNFLEET_PORT_BASE: String(base),
      RUNFLEET_DATABASE_PREFIX: databasePrefix,
      RUNFLEET_SKIP_BUILD: '1',
      RUNFLEET_NO_SEED: '1',
      AMQP_URL: vhost.url,
      PRINCIPAL_SECRET: randomBytes(32).toString('base64url'),
      API_KEY_PEPPER: randomBytes(32).toString('base64url'),
      IDEMPOTENCY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
    },
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child!.once('exit', (code, signal) => resolve({ code, signal })));
  const up = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString('utf8'));
      if (output.join('').includes('Runfleet is up')) resolve();
    };
    child!.stdout!.on('data', onData);
    child!.stderr!.on('data', onData);
    void exited.then(() => reject(new Error(`npm start exited before the stack was up:\n${output.join('')}`)));
  });
  await up;
  for (const port of ports) expect(await listening(port)).toBe(true);

  process.kill(child.pid!, 'SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([exited, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 30_000)))]);
  clearTimeout(timer); // a pending timer would keep jest from exiting for 30 s
  expect(result).not.toBe('timeout');
  const text = output.join('');
  // Every service ran its graceful shutdown (runService logs "<name> stopped" before exiting 0).
  for (const name of SERVICE_NAMES) expect(text).toContain(`"msg":"${name} stopped"`);
  expect(text).not.toMatch(/killing (them|everything)/);
  for (const port of ports) expect(await listening(port)).toBe(false);
}, 180_000);
