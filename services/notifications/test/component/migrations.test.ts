import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '@runfleet/test-infra';
import { createPrisma, type PrismaClient } from '../../src/db';
import { migrate, runMigrateCommand } from '../../src/migrate';

let db: TestDatabase;
let prisma: PrismaClient;
let firstRun: Awaited<ReturnType<typeof migrate>>;
let secondRun: Awaited<ReturnType<typeof migrate>>;

beforeAll(async () => {
  db = await createTestDatabase('notifications_migrations');
  firstRun = await migrate(db.url);
  secondRun = await migrate(db.url);
  prisma = createPrisma(db.url, { poolMax: 2 });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

describe('notifications migrations', () => {
  it('apply to an empty database once, and a second run applies nothing', () => {
    expect(firstRun.applied).toEqual(['20261122000000_init']);
    expect(firstRun.skipped).toEqual([]);
    expect(secondRun).toEqual({ applied: [], skipped: firstRun.applied });
  });

  it('give a schema the generated client reads and writes an outbox event through', async () => {
    const id = randomUUID();
    const envelope = { id, type: 'customer.created', version: 1, data: { sample: true } };
    const created = await prisma.outboxEvent.create({ data: { id, type: 'customer.created', envelope } });

    const read = await prisma.outboxEvent.findUniqueOrThrow({ where: { id } });

    expect(read).toEqual(created);
    expect(read).toMatchObject({ id, type: 'customer.created', envelope, publishedAt: null, attempts: 0, lastError: null });
    expect(typeof read.seq).toBe('bigint');
    expect(read.createdAt).toBeInstanceOf(Date);
    expect(read.nextAttemptAt).toBeInstanceOf(Date);
  });

  it('give a schema the generated client reads and writes an inbox message through', async () => {
    const messageId = randomUUID();
    const created = await prisma.inboxMessage.create({ data: { consumer: 'notifications.events', messageId } });

    const read = await prisma.inboxMessage.findUniqueOrThrow({
      where: { consumer_messageId: { consumer: 'notifications.events', messageId } },
    });

    expect(read).toEqual(created);
    expect(read.processedAt).toBeInstanceOf(Date);
  });

  it('wake a relay listening on runfleet_outbox when an outbox event is committed', async () => {
    const listener = new Client({ connectionString: db.url });
    await listener.connect();
    try {
      await listener.query('LISTEN runfleet_outbox');
      const notified = new Promise<string>((resolve) => listener.once('notification', (n) => resolve(n.channel)));

      const id = randomUUID();
      await prisma.outboxEvent.create({ data: { id, type: 'reseller.created', envelope: { id } } });

      await expect(notified).resolves.toBe('runfleet_outbox');
    } finally {
      await listener.end();
    }
  });
});

describe('the migrate command', () => {
  function capture() {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, write: (line: string) => out.push(line), writeErr: (line: string) => err.push(line) };
  }

  it('reports that nothing is pending on a migrated database and exits 0', async () => {
    const io = capture();

    const code = await runMigrateCommand({ DATABASE_URL: db.url }, io.write, io.writeErr);

    expect(code).toBe(0);
    expect(io.out).toEqual(['no pending migrations (1 already applied)']);
  });

  it('exits 1 with one readable line that never shows the password when the database is unreachable', async () => {
    const io = capture();

    const code = await runMigrateCommand(
      { DATABASE_URL: 'postgresql://notifications:hunter2-secret@127.0.0.1:1/runfleet_notifications' },
      io.write,
      io.writeErr,
    );

    expect(code).toBe(1);
    expect(io.err).toHaveLength(1);
    expect(io.err[0]).toMatch(/^migrate: .*ECONNREFUSED.* \(database runfleet_notifications at 127\.0\.0\.1:1\)$/);
    expect(io.err.join('')).not.toContain('hunter2');
  });

  it('refuses a DATABASE_URL that is not a postgresql:// URL', async () => {
    const io = capture();

    const code = await runMigrateCommand({ DATABASE_URL: 'mysql://root@localhost/notifications' }, io.write, io.writeErr);

    expect(code).toBe(1);
    expect(io.err).toEqual(['migrate: DATABASE_URL must be a postgresql:// URL naming a database']);
  });
});
