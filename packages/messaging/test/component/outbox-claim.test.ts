// The relay's claim stays cheap after a stream of published rows. Each published row leaves a dead
// entry in the partial index of unpublished rows until VACUUM. Depending on the statistics, the
// planner would claim with a bitmap scan (which reads every dead entry and its heap page on every
// claim and never marks them), a sequential scan or a hash join over the whole table. The relay's
// settings keep it an index scan in `seq` order, which marks dead entries as it passes them, so the
// next claim skips them.
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@runfleet/test-infra';
import { CLAIM_SETTINGS, claimStatement } from '../../src/outbox-relay';
import { MESSAGING_SQL } from '../support/messaging-test-env';

interface PlanNode {
  'Node Type': string;
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
  Plans?: PlanNode[];
}

let db: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  db = await createTestDatabase('msg_outbox_claim');
  pool = new Pool({ connectionString: db.url, max: 2 });
  await pool.query(MESSAGING_SQL);
  // Autovacuum would remove the dead entries this test is about, at a moment of its own choosing.
  await pool.query('ALTER TABLE "outbox_event" SET (autovacuum_enabled = false)');
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

function nodeTypes(node: PlanNode): string[] {
  return [node['Node Type'], ...(node.Plans ?? []).flatMap(nodeTypes)];
}

/** Runs the relay's claim under EXPLAIN ANALYZE in a transaction it rolls back, as the relay would run it. */
async function explainClaim(): Promise<{ claimed: number; nodes: string[]; blocks: number }> {
  const client = await pool.connect();
  try {
    await client.query(`BEGIN; ${CLAIM_SETTINGS}`);
    const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${claimStatement(500)}`);
    await client.query('ROLLBACK');
    const plan = rows[0]['QUERY PLAN'][0] as { Plan: PlanNode & { 'Actual Rows': number } };
    return {
      claimed: plan.Plan['Actual Rows'],
      nodes: nodeTypes(plan.Plan),
      blocks: plan.Plan['Shared Hit Blocks'] + plan.Plan['Shared Read Blocks'],
    };
  } finally {
    client.release();
  }
}

/**
 * 20,000 rows published, statistics taken while `waitingAtAnalyze` of them still waited, then 5
 * new rows: what the relay meets in a steady stream (a few hundred waiting) or after a backlog.
 * How many rows fit a page (`padding`) changes the planner's choice too.
 */
async function publishedStream(waitingAtAnalyze: number, padding: number): Promise<void> {
  await pool.query('TRUNCATE "outbox_event"');
  const event = (n: number) => JSON.stringify({ id: 'x', type: 'test.claim', data: { n, note: 'x'.repeat(padding) } });
  const insert = (count: number, n: number) =>
    pool.query(
      `INSERT INTO "outbox_event" ("id", "type", "envelope") SELECT gen_random_uuid(), 'test.claim', $1::jsonb FROM generate_series(1, $2::int)`,
      [event(n), count],
    );
  await insert(20_000, 0);
  await pool.query(
    `UPDATE "outbox_event" SET "published_at" = clock_timestamp()
     WHERE "id" IN (SELECT "id" FROM "outbox_event" WHERE "published_at" IS NULL ORDER BY "seq" LIMIT $1)`,
    [20_000 - waitingAtAnalyze],
  );
  await pool.query('ANALYZE "outbox_event"');
  // Published by a sequential scan, so nothing has marked the index entries of the old row versions yet.
  await pool.query(`BEGIN; SET LOCAL enable_indexscan TO off; SET LOCAL enable_bitmapscan TO off;
    UPDATE "outbox_event" SET "published_at" = clock_timestamp() WHERE "published_at" IS NULL; COMMIT`);
  await insert(5, 1);
}

test.each([
  ['a steady stream', 'small', 500, 0],
  ['a steady stream', 'large', 500, 1_000],
  ['a drained backlog', 'small', 20_000, 0],
  ['a drained backlog', 'large', 20_000, 1_000],
])('after %s of 20,000 %s published events, a claim reads a handful of pages, not every dead row', async (_, _size, waitingAtAnalyze, padding) => {
  await publishedStream(waitingAtAnalyze, padding);

  // The first claim walks past the dead entries once and marks them; every later one skips them.
  const first = await explainClaim();
  const next = await explainClaim();

  expect(first.claimed).toBe(5);
  expect(next.claimed).toBe(5);
  expect(next.nodes).not.toContain('Bitmap Heap Scan');
  expect(next.nodes).not.toContain('Seq Scan');
  // ~150 blocks here (index pages, the 5 rows, the update's own writes). A bitmap scan, a
  // sequential scan or a hash join over the whole table reads every heap page of the 20,000 dead
  // row versions on every claim: 600–3,500 blocks.
  expect(next.blocks).toBeLessThan(300);
});
