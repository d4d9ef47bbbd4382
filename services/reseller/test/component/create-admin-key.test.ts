// The bootstrap CLI (issue 4 "Bootstrap"), run as a process the way the Quickstart runs it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@runfleet/test-infra';
import { createDatabase, type Database, type PrismaClient } from '../../src/db';
import { verifyApiKey, LastUsedRecorder } from '../../src/domain/verify-api-key';
import { migrate } from '../../src/migrate';

const PEPPER = 'cli-test-pepper-of-at-least-32-characters!';
const REGISTER = path.join(__dirname, '../../../../packages/test-infra/register-ts.js');
const CLI = path.join(__dirname, '../../src/cli/create-admin-key.ts');

let db: TestDatabase;
let prisma: PrismaClient;
let pool: Database['pool'];

beforeAll(async () => {
  db = await createTestDatabase('reseller_cli');
  await migrate(db.url);
  ({ prisma, pool } = createDatabase(db.url, { poolMax: 2 }));
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

function run(args: string[], env: Record<string, string> = { DATABASE_URL: db.url, API_KEY_PEPPER: PEPPER }) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', REGISTER, CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const deps = () => ({ pool, now: () => new Date(), apiKeyPepper: PEPPER });

describe('create-admin-key', () => {
  let firstKey: string;

  it('prints a new admin key alone on stdout, and that key verifies as an admin', async () => {
    const result = await run(['--name', 'quickstart']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^rf_sk_[0-9A-Za-z]{12}_[0-9A-Za-z]{43}\n$/);
    expect(result.stderr).toContain('shown only this once');
    expect(result.stderr).not.toContain(result.stdout.trim());
    firstKey = result.stdout.trim();
    const verified = await verifyApiKey(deps(), new LastUsedRecorder(), firstKey);
    expect(verified.principal).toMatchObject({ type: 'admin', resellerId: null });
    const stored = await prisma.apiKey.findFirstOrThrow({ where: { ownerType: 'admin' } });
    expect(stored).toMatchObject({ name: 'quickstart', ownerId: verified.principal.id });
  }, 30_000);

  it('with --if-none creates nothing and prints nothing on stdout while an admin key works', async () => {
    const result = await run(['--if-none']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(await prisma.apiKey.count({ where: { ownerType: 'admin' } })).toBe(1);
  }, 30_000);

  it('with --if-none creates a key once every admin key is revoked', async () => {
    await prisma.apiKey.updateMany({ where: { ownerType: 'admin' }, data: { revokedAt: new Date() } });

    const result = await run(['--if-none']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^rf_sk_\w+\n$/);
    expect(result.stdout.trim()).not.toBe(firstKey);
    expect(await prisma.apiKey.count({ where: { ownerType: 'admin', revokedAt: null } })).toBe(1);
  }, 30_000);

  it('with --if-none run several times at once creates exactly one key', async () => {
    await prisma.apiKey.updateMany({ where: { ownerType: 'admin' }, data: { revokedAt: new Date() } });

    const results = await Promise.all([1, 2, 3, 4].map(() => run(['--if-none'])));

    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    expect(results.filter((r) => r.stdout !== '')).toHaveLength(1);
    expect(await prisma.apiKey.count({ where: { ownerType: 'admin', revokedAt: null } })).toBe(1);
  }, 60_000);

  it('refuses to start without a pepper, saying which variable is missing and printing no key', async () => {
    const result = await run([], { DATABASE_URL: db.url });

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('API_KEY_PEPPER');
  }, 30_000);

  it('rejects an unknown option with its usage', async () => {
    const result = await run(['--force']);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('usage: create-admin-key');
  }, 30_000);
});
