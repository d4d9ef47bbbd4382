// `node services/reseller/dist/cli/create-admin-key.js [--name x] [--if-none]`: mints the first admin
// API key for the Quickstart and prints it once (the key alone on stdout, a human line on stderr).
// There is no admin table: an admin is a uuid generated here, and its key's owner id is that uuid.
// With --if-none it does nothing (exit 0, empty stdout) when a usable admin key already exists,
// so start-up scripts can run it every time.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, maskUrlCredentials, parseConfig, postgresUrl, secret } from '@runfleet/service-kit';
import { hasUsableAdminKey } from '../data/api-key.repository';
import { createDatabase } from '../db';
import { createApiKey } from '../domain/api-keys';

const cliConfig = z.object({ DATABASE_URL: postgresUrl(), API_KEY_PEPPER: secret(32) });

export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

const USAGE = 'usage: create-admin-key [--name <name>] [--if-none]';

/** The advisory lock that serialises --if-none runs (a 64-bit key derived from a name). */
const ADMIN_KEY_LOCK = "hashtextextended('runfleet.reseller.create-admin-key', 0)";

/** Runs the command; resolves to the process exit code. */
export async function createAdminKeyCommand(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  let args: { name?: string; 'if-none'?: boolean };
  try {
    args = parseArgs({ args: argv, options: { name: { type: 'string' }, 'if-none': { type: 'boolean' } }, strict: true }).values;
  } catch (err) {
    io.stderr(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  const name = (args.name ?? 'bootstrap admin').trim();
  if (name.length === 0 || name.length > 200) {
    io.stderr(`--name must be 1–200 characters\n${USAGE}`);
    return 2;
  }
  let config: z.infer<typeof cliConfig>;
  try {
    config = parseConfig(cliConfig, env, { service: 'reseller create-admin-key' });
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr(err.message);
      return 1;
    }
    throw err;
  }

  const { prisma, pool } = createDatabase(config.DATABASE_URL, { poolMax: 2 });
  try {
    // Start-up scripts run --if-none every time, possibly several at once: without a lock two runs
    // could both find no key and both create one. A session advisory lock, held on a connection of
    // its own, serialises the check and the creation (which runs in a Prisma transaction on the
    // pool's other connection).
    const lock = args['if-none'] ? await pool.connect() : undefined;
    try {
      if (lock) await lock.query(`SELECT pg_advisory_lock(${ADMIN_KEY_LOCK})`);
      const deps = { prisma, now: () => new Date(), apiKeyPepper: config.API_KEY_PEPPER };
      if (args['if-none'] && (await hasUsableAdminKey(prisma, deps.now()))) {
        io.stderr('an active admin key already exists; nothing created');
        return 0;
      }
      const adminId = randomUUID();
      const issued = await createApiKey(deps, { type: 'admin', id: adminId }, { name, ownerType: 'admin', ownerId: adminId });
      io.stdout(issued.key);
      io.stderr(`created admin key ${issued.apiKey.lookupId} ("${name}") for admin ${adminId}; it is shown only this once`);
      return 0;
    } finally {
      // Closing the connection would release the lock too; unlocking first hands it over at once.
      if (lock) await lock.query(`SELECT pg_advisory_unlock(${ADMIN_KEY_LOCK})`).finally(() => lock.release());
    }
  } finally {
    await prisma.$disconnect();
  }
}

if (require.main === module) {
  createAdminKeyCommand(process.argv.slice(2), process.env, {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`create-admin-key failed: ${maskUrlCredentials(err instanceof Error ? err.message : String(err))}\n`);
      process.exitCode = 1;
    },
  );
}
