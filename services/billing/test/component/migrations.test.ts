import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@runfleet/test-infra';
import { createPrisma, type PrismaClient } from '../../src/db';
import { migrate } from '../../src/migrate';

let db: TestDatabase;
let prisma: PrismaClient;
let firstRun: Awaited<ReturnType<typeof migrate>>;
let secondRun: Awaited<ReturnType<typeof migrate>>;

beforeAll(async () => {
  db = await createTestDatabase('billing_migrations');
  firstRun = await migrate(db.url);
  secondRun = await migrate(db.url);
  prisma = createPrisma(db.url, { poolMax: 2 });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

describe('billing migrations', () => {
  it('apply to an empty database once, and a second run applies nothing', () => {
    expect(firstRun.applied.length).toBeGreaterThan(0);
    expect(firstRun.skipped).toEqual([]);
    expect(secondRun).toEqual({ applied: [], skipped: firstRun.applied });
  });

  it('give a schema the generated client round-trips an outbox event and an inbox message through', async () => {
    const id = randomUUID();
    const envelope = { id, type: 'customer.created', version: 1, data: { sample: true } };
    const event = await prisma.outboxEvent.create({ data: { id, type: 'customer.created', envelope } });
    const messageId = randomUUID();
    const message = await prisma.inboxMessage.create({ data: { consumer: 'billing.test', messageId } });

    expect(await prisma.outboxEvent.findUniqueOrThrow({ where: { id } })).toEqual(event);
    expect(event).toMatchObject({ envelope, publishedAt: null, attempts: 0, lastError: null });
    expect(typeof event.seq).toBe('bigint');
    expect(
      await prisma.inboxMessage.findUniqueOrThrow({ where: { consumer_messageId: { consumer: 'billing.test', messageId } } }),
    ).toEqual(message);
  });
});
