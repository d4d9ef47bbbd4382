// A RabbitMQ node of a test's own (issue 18 chaos suite): a real rabbitmq-server in a temporary
// directory on free ports (AMQP and Erlang distribution), management off, which the test may stop
// and start at will (`rabbitmqctl -n <node> stop_app/start_app`). The machine's shared broker is
// never restarted: other suites and engineers use it at the same time. Its default vhost `/` and
// the guest user (loopback only) are all a chaos stack needs.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, portOpen } from './ports';

export interface OwnRabbitmq {
  nodeName: string;
  port: number;
  /** amqp URL of the default vhost (guest) */
  url: string;
  /** `rabbitmqctl stop_app`: every connection is closed, durable queues and persistent messages stay */
  stopApp(): Promise<void>;
  /** `rabbitmqctl start_app`; resolves once the node accepts AMQP connections again */
  startApp(): Promise<void>;
  /** stops the node and deletes its directory; safe to call twice */
  destroy(): Promise<void>;
}

function sbin(name: string): string {
  const dir = process.env.TEST_RABBITMQ_BIN_DIR ?? (existsSync('/usr/lib/rabbitmq/bin') ? '/usr/lib/rabbitmq/bin' : '/usr/sbin');
  return path.join(dir, name);
}

async function waitForPort(port: number, timeoutMs: number, exited: () => string | null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await portOpen(port)) return;
    const why = exited();
    if (why) throw new Error(`own RabbitMQ exited while starting: ${why}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`own RabbitMQ did not accept AMQP connections on ${port} within ${timeoutMs} ms`);
}

export async function startOwnRabbitmq(): Promise<OwnRabbitmq> {
  const dir = mkdtempSync(path.join(tmpdir(), 'runfleet-own-rabbitmq-'));
  const home = path.join(dir, 'home');
  mkdirSync(home);
  const pluginsFile = path.join(dir, 'enabled_plugins');
  writeFileSync(pluginsFile, '[].\n');
  const port = await freePort();
  const distPort = await freePort();
  const nodeName = `runfleet_chaos_${randomBytes(4).toString('hex')}@localhost`;
  // HOME holds the node's Erlang cookie, which rabbitmqctl reads from the same HOME.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    LANG: 'C.UTF-8',
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(dir, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: pluginsFile,
    RABBITMQ_CONFIG_FILE: path.join(dir, 'rabbitmq'),
    RABBITMQ_ADVANCED_CONFIG_FILE: path.join(dir, 'advanced.config'),
    RABBITMQ_PID_FILE: path.join(dir, 'rabbitmq.pid'),
  };
  const ctl = (args: string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      execFile(sbin('rabbitmqctl'), ['-n', nodeName, ...args], { env, timeout: 120_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`rabbitmqctl ${args.join(' ')}: ${err.message} ${stderr}`));
        else resolve(stdout);
      });
    });
  let server: ChildProcess | null = spawn(sbin('rabbitmq-server'), [], { env, cwd: dir, stdio: 'ignore' });
  let exitedWith: string | null = null;
  server.once('exit', (code, signal) => {
    exitedWith = `code ${code} signal ${signal}`;
    server = null;
  });
  const instance: OwnRabbitmq = {
    nodeName,
    port,
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    async stopApp() {
      await ctl(['stop_app']);
    },
    async startApp() {
      await ctl(['start_app']);
      await waitForPort(port, 60_000, () => exitedWith);
    },
    async destroy() {
      try {
        if (server) {
          const running = server;
          const gone = new Promise((r) => running.once('exit', r));
          await ctl(['stop']).catch(() => running.kill('SIGKILL'));
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([gone, new Promise((r) => (timer = setTimeout(r, 15_000)))]);
          clearTimeout(timer);
          server?.kill('SIGKILL');
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  try {
    await waitForPort(port, 90_000, () => exitedWith);
  } catch (err) {
    await instance.destroy().catch(() => undefined);
    throw err;
  }
  return instance;
}
