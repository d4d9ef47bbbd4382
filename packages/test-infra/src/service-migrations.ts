// What every database service's migrations must pass (issue 2): applied to a fresh database twice,
// the second run applies nothing; the generated client round-trips the messaging tables every
// service has, on connections named after the service. Call it at the top of a service's
// migrations test; the returned handle gives the client for the service's own models once the
// suite has started.
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from './index';

interface MigrationRun {
  applied: string[];
  skipped: string[];
}

/**
 * The parts of a service's generated Prisma client this suite uses. Prisma's generic method
 * signatures are not assignable to a plain structural type, so the client is checked only for
 * `$disconnect` and read through this view.
 */
export interface MessagingTablesClient {
  outboxEvent: {
    create(args: { data: { id: string; type: string; envelope: Record<string, unknown> } }): Promise<object>;
    findUniqueOrThrow(args: { where: { id: string } }): Promise<object>;
  };
  inboxMessage: {
    create(args: { data: { consumer: string; messageId: string } }): Promise<object>;
    findUniqueOrThrow(args: { where: { consumer_messageId: { consumer: string; messageId: string } } }): Promise<object>;
  };
  $queryRawUnsafe<T>(query: string): Promise<T>;
  $disconnect(): Promise<void>;
}

export interface ServiceMigrationsOptions<C> {
  service: string;
  migrate: (databaseUrl: string) => Promise<MigrationRun>;
  createClient: (databaseUrl: string) => C;
}

export function serviceMigrationsSuite<C extends { $disconnect(): Promise<void> }>(options: ServiceMigrationsOptions<C>): { readonly client: C } {
  let db: TestDatabase | undefined;
  let client: C | undefined;
  let firstRun: MigrationRun;
  let secondRun: MigrationRun;

  beforeAll(async () => {
    db = await createTestDatabase(`${options.service}_migrations`);
    firstRun = await options.migrate(db.url);
    secondRun = await options.migrate(db.url);
    client = options.createClient(db.url);
  });

  afterAll(async () => {
    await client?.$disconnect();
    await db?.drop();
  });

  describe(`${options.service} migrations`, () => {
    it('apply to an empty database once, and a second run applies nothing', () => {
      expect(firstRun.applied.length).toBeGreaterThan(0);
      expect(firstRun.skipped).toEqual([]);
      expect(secondRun).toEqual({ applied: [], skipped: firstRun.applied });
    });

    it('give a schema the generated client round-trips an outbox event and an inbox message through', async () => {
      const prisma = client as unknown as MessagingTablesClient;
      const id = randomUUID();
      const envelope = { id, type: 'customer.created', version: 1, data: { sample: true } };
      const event = await prisma.outboxEvent.create({ data: { id, type: 'customer.created', envelope } });
      const consumer = `${options.service}.test`;
      const messageId = randomUUID();
      const message = await prisma.inboxMessage.create({ data: { consumer, messageId } });

      expect(await prisma.outboxEvent.findUniqueOrThrow({ where: { id } })).toEqual(event);
      expect(event).toMatchObject({ envelope, publishedAt: null, attempts: 0, lastError: null });
      expect(typeof (event as { seq: unknown }).seq).toBe('bigint');
      expect(await prisma.inboxMessage.findUniqueOrThrow({ where: { consumer_messageId: { consumer, messageId } } })).toEqual(message);
    });

    it(`names the client's connections runfleet-${options.service} (pg_stat_activity)`, async () => {
      const prisma = client as unknown as MessagingTablesClient;
      const rows = await prisma.$queryRawUnsafe<{ name: string }[]>('SELECT application_name AS name FROM pg_stat_activity WHERE pid = pg_backend_pid()');
      expect(rows).toEqual([{ name: `runfleet-${options.service}` }]);
    });
  });

  return {
    get client(): C {
      if (!client) throw new Error('the migrations suite has not started yet');
      return client;
    },
  };
}
