// `node services/reseller/dist/cli/create-user.js --email e --password p --role admin|reseller|customer
// [--reseller-id id | --customer-id id] [--name n]`: creates a user whose email is already verified,
// for the demo seed and operators (issue 19). Prints the user id alone on stdout; the password is
// never printed or logged (a refusal names the flag, not the value).
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { AppError, ConfigError, maskUrlCredentials, parseConfig, postgresUrl } from '@runfleet/service-kit';
import type { UserRole } from '../data/user.repository';
import { createDatabase } from '../db';
import { createVerifiedUser } from '../domain/manage-users';
import type { CliIo } from './create-admin-key';

const cliConfig = z.object({ DATABASE_URL: postgresUrl() });
const USAGE = 'usage: create-user --email <email> --password <password> --role admin|reseller|customer [--reseller-id <id>] [--customer-id <id>] [--name <name>]';
const ROLES: readonly UserRole[] = ['admin', 'reseller', 'customer'];

/** Runs the command; resolves to the process exit code. */
export async function createUserCommand(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  let args: Record<string, string | undefined>;
  try {
    args = parseArgs({
      args: argv,
      options: {
        email: { type: 'string' },
        password: { type: 'string' },
        role: { type: 'string' },
        name: { type: 'string' },
        'reseller-id': { type: 'string' },
        'customer-id': { type: 'string' },
      },
      strict: true,
    }).values;
  } catch (err) {
    io.stderr(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  const { email, password, role } = args;
  const emailOk = email !== undefined && z.email().safeParse(email).success;
  if (!emailOk || password === undefined || !ROLES.includes(role as UserRole)) {
    io.stderr(`--email (an address), --password and --role (${ROLES.join('|')}) are required\n${USAGE}`);
    return 2;
  }
  const uuid = z.uuid();
  for (const flag of ['reseller-id', 'customer-id'] as const) {
    if (args[flag] !== undefined && !uuid.safeParse(args[flag]).success) {
      io.stderr(`--${flag} must be a uuid\n${USAGE}`);
      return 2;
    }
  }
  let config: z.infer<typeof cliConfig>;
  try {
    config = parseConfig(cliConfig, env, { service: 'reseller create-user' });
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr(err.message);
      return 1;
    }
    throw err;
  }
  const { prisma } = createDatabase(config.DATABASE_URL, { poolMax: 2 });
  try {
    const user = await createVerifiedUser(
      { prisma, now: () => new Date() },
      {
        email,
        password,
        name: (args.name ?? email.split('@')[0] ?? email).trim() || email,
        role: role as UserRole,
        ...(args['reseller-id'] !== undefined ? { resellerId: args['reseller-id'] } : {}),
        ...(args['customer-id'] !== undefined ? { customerId: args['customer-id'] } : {}),
      },
    );
    io.stdout(user.id);
    io.stderr(`created ${user.role} user ${user.email} (${user.id}), email verified`);
    return 0;
  } catch (err) {
    if (err instanceof AppError) {
      // field names and reasons only: never the password's value
      const fields = (err.errors ?? []).map((e) => `${e.field.replace(/^body\./, '--').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${e.message}`).join('; ');
      io.stderr(`create-user refused: ${err.code}${fields ? ` (${fields})` : ''}`);
      return 1;
    }
    throw err;
  } finally {
    await prisma.$disconnect();
  }
}

if (require.main === module) {
  createUserCommand(process.argv.slice(2), process.env, {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`create-user failed: ${maskUrlCredentials(err instanceof Error ? err.message : String(err))}\n`);
      process.exitCode = 1;
    },
  );
}
