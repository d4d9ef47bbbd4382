// The use cases' Prisma client wakes the outbox relay right after each commit (the NOTIFY trigger
// that used to do it serialised commits; see migration 20261122030000_outbox_wake_after_commit).
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '@runfleet/test-infra';
import { wakingRelayAfterCommits } from '../../src/data/outbox.repository';
import { createDatabase, type Database } from '../../src/db';
import { migrate } from '../../src/migrate';

let db: TestDatabase;
let database: Database;

beforeAll(async () => {
  db = await createTestDatabase('reseller_relay_wakeups');
  await migrate(db.url);
  database = createDatabase(db.url, { poolMax: 2 });
});

afterAll(async () => {
  await database?.prisma.$disconnect();
  await db?.drop();
});

async function countFromAnotherConnection(id: string): Promise<number> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT count(*)::int AS n FROM "outbox_event" WHERE "id" = $1', [id]);
    return (rows[0] as { n: number }).n;
  } finally {
    await client.end();
  }
}

describe('a Prisma client that wakes the relay after commits', () => {
  it('wakes it once a transaction with an outbox row has committed, when the row is visible to the relay', async () => {
    const id = randomUUID();
    const seenAtWake: Promise<number>[] = [];
    const prisma = wakingRelayAfterCommits(database.prisma, () => seenAtWake.push(countFromAnotherConnection(id)));

    await prisma.$transaction(async (tx) => {
      await tx.outboxEvent.create({ data: { id, type: 'customer.created', envelope: {} } });
    });

    expect(seenAtWake).toHaveLength(1);
    await expect(seenAtWake[0]).resolves.toBe(1);
  });

  it('does not wake it when the transaction rolls back', async () => {
    let wakes = 0;
    const prisma = wakingRelayAfterCommits(database.prisma, () => (wakes += 1));

    await expect(
      prisma.$transaction(async (tx) => {
        await tx.outboxEvent.create({ data: { id: randomUUID(), type: 'customer.created', envelope: {} } });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');

    expect(wakes).toBe(0);
  });

  it('leaves every other method of the client working', async () => {
    const prisma = wakingRelayAfterCommits(database.prisma, () => undefined);

    await expect(prisma.$queryRaw`SELECT 1 AS one`).resolves.toEqual([{ one: 1 }]);
    await expect(prisma.outboxEvent.count()).resolves.toBeGreaterThanOrEqual(1);
  });

  it('runs on a schema without the NOTIFY trigger that serialised commits', async () => {
    const triggers = await database.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_trigger WHERE tgname = 'outbox_event_notify'`;
    expect(triggers).toEqual([{ n: 0 }]);
  });
});
