// A PostgreSQL server of a test's own (issue 13 item 4, issue 18): a real postmaster in a temporary
// directory on a free port, which the test may stop and start at will. The machine's shared server
// is never restarted: other suites and engineers use it at the same time.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './ports';

export interface OwnPostgres {
  port: number;
  /** connection URL of the `postgres` database (trust auth, user postgres) */
  url: string;
  /** URL of another database on this server */
  urlFor(database: string): string;
  /** a fast shutdown of the postmaster (every client is disconnected); resolves once it is down */
  stop(): Promise<void>;
  /** starts it again on the same port and data; resolves once it accepts connections */
  start(): Promise<void>;
  /** stops it if running and deletes its directory; safe to call twice */
  destroy(): Promise<void>;
}

function binDir(): string {
  if (process.env.TEST_PG_BIN_DIR) return process.env.TEST_PG_BIN_DIR;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(path.join(root, v, 'bin', 'pg_ctl'))) return path.join(root, v, 'bin');
  throw new Error('no PostgreSQL server binaries found (set TEST_PG_BIN_DIR)');
}

/** initdb and the postmaster refuse to run as root: run them as the postgres user then. */
function run(bin: string, args: string[]): Promise<string> {
  const asRoot = process.getuid?.() === 0;
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  return new Promise((resolve, reject) => {
    execFile(file, argv, { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(bin)} ${args.join(' ')}: ${err.message} ${stderr}`));
      else resolve(stdout);
    });
  });
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bin = binDir();
  const dir = mkdtempSync(path.join(tmpdir(), 'runfleet-own-pg-'));
  // the postgres user owns the cluster; the temp dir must be reachable for it
  chmodSync(dir, 0o777);
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  const port = await freePort();
  const pgCtl = path.join(bin, 'pg_ctl');
  let running = false;
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=100`;
  const instance: OwnPostgres = {
    port,
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    urlFor: (database) => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    async stop() {
      await run(pgCtl, ['stop', '-D', data, '-m', 'fast', '-w']);
      running = false;
    },
    async start() {
      await run(pgCtl, ['start', '-D', data, '-l', logFile, '-o', options, '-w', '-t', '60']);
      running = true;
    },
    async destroy() {
      try {
        if (running) await instance.stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  try {
    await run(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
    await instance.start();
  } catch (err) {
    await instance.destroy().catch(() => undefined);
    throw err;
  }
  return instance;
}
