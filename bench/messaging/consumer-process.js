// The consuming service of the messaging benchmark, in its own process as in production: consumes
// bench events with a trivial effect (one INSERT) through the inbox and reports, after each commit,
// how many messages it applied and when (wall-clock ms, comparable across processes), in bulk.
'use strict';
const path = require('node:path');
const { createRequire } = require('node:module');

const root = path.resolve(__dirname, '../..');
const requireFromMessaging = createRequire(path.join(root, 'packages/messaging/package.json'));
const { Pool } = requireFromMessaging('pg');
const pino = requireFromMessaging('pino');
const { createMessaging, pgTransactions } = require(path.join(root, 'packages/messaging/dist/index.js'));

const wallClock = () => performance.timeOrigin + performance.now();

// Commits are reported to the bench in bulk every 20 ms, each with its own commit time: one IPC
// write per transaction would add a syscall per transaction to what is being measured.
let pending = { applied: 0, at: 0, ids: [] };
let flushTimer = null;
function flushReports() {
  flushTimer = null;
  if (pending.applied === 0) return;
  process.send(pending);
  pending = { applied: 0, at: 0, ids: [] };
}
function report(applied, at, withIds) {
  pending.applied += applied.length;
  pending.at = at;
  if (withIds) for (const id of applied) pending.ids.push([id, at]);
  flushTimer ??= setTimeout(flushReports, 20);
}

process.on('message', async (message) => {
  if (!message.start) return;
  const { amqpUrl, databaseUrl, concern, type, batchSize, concurrency, reportIds } = message.start;
  const messaging = createMessaging({
    service: 'bench',
    amqpUrl,
    databaseUrl,
    logger: pino({ level: process.env.BENCH_LOG_LEVEL ?? 'warn' }),
    validate: (t, data) => data,
  });
  const pool = new Pool({ connectionString: databaseUrl, max: concurrency + 1 });
  const run = pgTransactions(pool);
  await messaging.consume({
    concern,
    events: [type],
    batchSize,
    concurrency,
    handler: async (envelope, { sql }) => {
      await sql.query('INSERT INTO effect (message_id, n) VALUES ($1, $2)', [envelope.id, envelope.data.n]);
    },
    // Learn which messages each committed transaction applied, to report them after the commit.
    transaction: async (fn) => {
      const applied = [];
      const result = await run((tx, sql) =>
        fn(tx, {
          query(text, params) {
            if (text.startsWith('INSERT INTO effect')) applied.push(params[0]);
            return sql.query(text, params);
          },
        }),
      );
      if (applied.length > 0) report(applied, wallClock(), reportIds);
      return result;
    },
  });
  const cpuAtStart = process.cpuUsage();
  process.send({ ready: true });
  process.on('message', async (m) => {
    if (m.stop) {
      if (flushTimer) clearTimeout(flushTimer);
      flushReports();
      const cpu = process.cpuUsage(cpuAtStart);
      process.send({ cpuMicros: cpu.user + cpu.system });
      await messaging.close();
      await pool.end();
      process.exit(0);
    }
  });
});
