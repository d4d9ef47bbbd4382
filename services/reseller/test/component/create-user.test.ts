// The demo seed's user CLI (issue 19), run as a process: a verified user who can sign in at once,
// the id alone on stdout, and never the password on either stream.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@runfleet/test-infra';
import { createDatabase, type PrismaClient } from '../../src/db';
import { createReseller } from '../../src/domain/create-reseller';
import { logIn } from '../../src/domain/log-in';
import { mailTokenBox } from '../../src/domain/one-time-token';
import { migrate } from '../../src/migrate';

const REGISTER = path.join(__dirname, '../../../../packages/test-infra/register-ts.js');
const CLI = path.join(__dirname, '../../src/cli/create-user.ts');
const PASSWORD = 'demo-Reseller-Pass-2026';

let db: TestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase('reseller_create_user');
  await migrate(db.url);
  ({ prisma } = createDatabase(db.url, { poolMax: 2 }));
}, 60_000);

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

function run(args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', REGISTER, CLI, ...args], { env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const accountDeps = () => ({
  prisma,
  now: () => new Date(),
  apiKeyPepper: 'cli-test-pepper-of-at-least-32-characters!',
  mailTokens: mailTokenBox('cli-test-principal-secret-of-32-characters'),
  sessions: { idleMs: 60_000, absoluteMs: 600_000 },
});

describe('create-user', () => {
  it('creates a verified reseller user who signs in at once, printing only the id', async () => {
    const reseller = await createReseller({ prisma, now: () => new Date() }, { type: 'admin', id: '00000000-0000-4000-8000-000000000001' }, {
      name: 'Demo Reseller',
      email: 'demo@resellers.example',
      commissionRateBps: 1000,
      currency: 'EUR',
    });

    const result = await run(['--email', 'Reseller@Demo.example', '--password', PASSWORD, '--role', 'reseller', '--reseller-id', reseller.id]);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    const signedIn = await logIn(accountDeps(), { email: 'reseller@demo.example', password: PASSWORD });
    expect(signedIn.user).toMatchObject({ id: result.stdout.trim(), role: 'reseller', resellerId: reseller.id, emailVerified: true });
  }, 60_000);

  it('refuses a weak password naming the flag, not the value, and a missing link', async () => {
    const weak = await run(['--email', 'weak@demo.example', '--password', 'password1234', '--role', 'admin']);
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('--password');
    expect(weak.stderr).not.toContain('password1234');
    const unlinked = await run(['--email', 'c@demo.example', '--password', PASSWORD, '--role', 'customer']);
    expect(unlinked.code).toBe(1);
    expect(unlinked.stderr).toContain('--customer-id');
    expect(await prisma.appUser.count()).toBe(1);
  }, 60_000);
});
