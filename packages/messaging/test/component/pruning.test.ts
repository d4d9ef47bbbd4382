// Retention (issue 3): published outbox rows and inbox rows past their retention are deleted, all
// of them, in chunks; rows still needed (unpublished events, recent inbox ids) never are.
import { createMessaging, pgExecutor, pruneInbox, type Messaging } from '../../src';
import { createMessagingTestEnv, testLogger, testValidator, type MessagingTestEnv } from '../support/messaging-test-env';

const DAY_MS = 24 * 3_600_000;
let env: MessagingTestEnv;
let messaging: Messaging | undefined;

beforeAll(async () => {
  env = await createMessagingTestEnv('msg_pruning');
});
afterAll(async () => {
  await messaging?.close();
  await env.drop();
});

async function count(sql: string): Promise<number> {
  const { rows } = await env.pool.query(`SELECT count(*)::int AS n FROM ${sql}`);
  return rows[0].n;
}

describe('inbox pruning', () => {
  beforeEach(() => env.pool.query('TRUNCATE "inbox_message"'));

  async function insertInbox(consumer: string, rows: number, ageMs: number): Promise<void> {
    await env.pool.query(
      `INSERT INTO "inbox_message" ("consumer", "message_id", "processed_at")
       SELECT $1, gen_random_uuid(), now() - ($2::bigint * interval '1 millisecond') FROM generate_series(1, $3::int)`,
      [consumer, ageMs, rows],
    );
  }

  test('deletes every row past the retention, more than one chunk of them, and keeps the recent ones', async () => {
    await insertInbox('billing.jobs', 15_000, 8 * DAY_MS);
    await insertInbox('billing.wallets', 10_000, 30 * DAY_MS);
    await insertInbox('billing.jobs', 10, 6 * DAY_MS);
    await insertInbox('billing.wallets', 10, 0);

    const deleted = await pruneInbox(pgExecutor(env.pool), 7 * DAY_MS);

    expect(deleted).toBe(25_000);
    expect(await count(`"inbox_message" WHERE "processed_at" < now() - interval '7 days'`)).toBe(0);
    expect(await count('"inbox_message"')).toBe(20);
  });

  test('by default a service keeps inbox rows 7 days: a row a little older goes, a little younger stays', async () => {
    const HOUR_MS = 3_600_000;
    await insertInbox('billing.jobs', 3, 7 * DAY_MS + HOUR_MS);
    await insertInbox('billing.jobs', 2, 7 * DAY_MS - HOUR_MS);
    const service = createMessaging({ service: 'retainsvc', amqpUrl: env.vhost.url, databaseUrl: env.db.url, logger: testLogger(), validate: testValidator });
    try {
      expect(await service.pruneInbox()).toBe(3);
    } finally {
      await service.close();
    }
    expect(await count('"inbox_message"')).toBe(2);
  });

  test('stops between chunks when asked to (the service is stopping)', async () => {
    await insertInbox('billing.jobs', 3_000, 8 * DAY_MS);

    const deleted = await pruneInbox(pgExecutor(env.pool), 7 * DAY_MS, { chunk: 1_000, shouldStop: () => true });

    expect(deleted).toBe(1_000);
    expect(await count('"inbox_message"')).toBe(2_000);
  });
});

test('the relay deletes published events past the retention and keeps unpublished and recent ones', async () => {
  const envelope = JSON.stringify({ id: 'x', type: 'test.pruned', data: { n: 1 } });
  const insertOutbox = (rows: number, createdAgoMs: number, publishedAgoMs: number | null, nextAttemptInMs = 0) =>
    env.pool.query(
      `INSERT INTO "outbox_event" ("id", "type", "envelope", "created_at", "published_at", "next_attempt_at")
       SELECT gen_random_uuid(), 'test.pruned', $1::jsonb,
              now() - ($2::bigint * interval '1 millisecond'),
              now() - ($3::bigint * interval '1 millisecond'),
              now() + ($4::bigint * interval '1 millisecond')
       FROM generate_series(1, $5::int)`,
      [envelope, createdAgoMs, publishedAgoMs, nextAttemptInMs, rows],
    );
  // More than two of the relay's 5,000-row chunks past the 24 h retention; a few recent ones.
  await insertOutbox(12_000, 2 * DAY_MS, 2 * DAY_MS - 1_000);
  await insertOutbox(5, 2 * DAY_MS, 3_600_000);
  // Old but never published (its next attempt is in an hour, so the relay leaves it alone now).
  await insertOutbox(3, 2 * DAY_MS, null, 3_600_000);

  messaging = createMessaging({ service: 'prunesvc', amqpUrl: env.vhost.url, databaseUrl: env.db.url, logger: testLogger(), validate: testValidator });
  const relay = messaging.startRelay({ retentionMs: DAY_MS, pruneIntervalMs: 3_600_000 });
  await relay.prune(); // waits for the prune the start began, if it is still running

  expect(await count(`"outbox_event" WHERE "published_at" < now() - interval '1 day'`)).toBe(0);
  expect(await count(`"outbox_event" WHERE "published_at" IS NOT NULL`)).toBe(5);
  expect(await count(`"outbox_event" WHERE "published_at" IS NULL`)).toBe(3);
});
