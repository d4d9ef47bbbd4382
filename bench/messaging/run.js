// Messaging benchmark (issue 3, docs/benchmarks.md): in one run, the bare ceilings of this machine
// (raw amqplib confirms + acks on a quorum queue; single-row PostgreSQL transactions over the same
// pool) and Runfleet's outbox → relay → broker → consumer + inbox path with a trivial effect.
// Usage: pnpm build && node bench/messaging/run.js   (BENCH_SECONDS=8 by default)
// Uses its own vhost and database (via @runfleet/test-infra) and removes them at the end.
'use strict';
const path = require('node:path');
const { createRequire } = require('node:module');
const { randomUUID } = require('node:crypto');

const root = path.resolve(__dirname, '../..');
const requireFromMessaging = createRequire(path.join(root, 'packages/messaging/package.json'));
const { Pool } = requireFromMessaging('pg');
const amqplib = requireFromMessaging('amqplib');
const pino = requireFromMessaging('pino');
const { createTestDatabase, createTestVhost } = requireFromMessaging('@runfleet/test-infra');
const messagingLib = require(path.join(root, 'packages/messaging/dist/index.js'));
const { readFileSync } = require('node:fs');
const { fork } = require('node:child_process');
const os = require('node:os');

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
// Rounds of the 1-event comparison (bare transactions, producers alone, the whole path).
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LATENCY_WARM_UP_SECONDS = 3;
const PRODUCERS = Number(process.env.BENCH_PRODUCERS ?? 8);
const POOL_SIZE = PRODUCERS + 2;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();
const fmt = (n) => Math.round(n).toLocaleString('en-US');

const testValidator = (type, data) => {
  if (!type.startsWith('bench.')) throw new Error(`unknown event type ${type}`);
  return data;
};

/** Runs `workers` loops calling fn until `seconds` elapse; returns completed calls. */
async function forDuration(seconds, workers, fn) {
  const end = now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (now() < end) {
        await fn();
        done += 1;
      }
    }),
  );
  return done;
}

async function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function bareAmqp(amqpUrl) {
  const total = 20_000;
  const body = Buffer.from(JSON.stringify({ id: randomUUID(), type: 'bench.raw', data: { n: 1, pad: 'x'.repeat(200) } }));
  const connection = await amqplib.connect(amqpUrl);
  const pub = await connection.createConfirmChannel();
  const sub = await connection.createChannel();
  await pub.assertQueue('bench.raw', { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await sub.prefetch(500);
  let received = 0;
  let resolveDone;
  const done = new Promise((r) => (resolveDone = r));
  await sub.consume('bench.raw', (msg) => {
    sub.ack(msg);
    received += 1;
    if (received === total) resolveDone();
  });
  const started = now();
  // A window of unconfirmed publishes, like a busy publisher; each publish waits for its own confirm.
  const window = 1_000;
  let inFlight = 0;
  let sent = 0;
  await new Promise((resolve, reject) => {
    const pump = () => {
      while (inFlight < window && sent < total) {
        inFlight += 1;
        sent += 1;
        pub.publish('', 'bench.raw', body, { persistent: true }, (err) => {
          if (err) return reject(err);
          inFlight -= 1;
          if (sent === total && inFlight === 0) resolve();
          else pump();
        });
      }
    };
    pump();
  });
  const confirmedAt = now();
  await done;
  const finished = now();
  await connection.close();
  return { publishRate: total / ((confirmedAt - started) / 1000), endToEndRate: total / ((finished - started) / 1000) };
}

async function barePostgres(pool) {
  const cpu = process.cpuUsage();
  const done = await forDuration(SECONDS, PRODUCERS, async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO bare_row (id, n) VALUES ($1, 1)', [randomUUID()]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  });
  const used = process.cpuUsage(cpu);
  return { rate: done / SECONDS, nodeCpuMicrosPerTx: (used.user + used.system) / done };
}

const wallClock = () => performance.timeOrigin + performance.now();

/** Busy and total jiffies of the whole machine (Linux /proc/stat), to tell how loaded it was. */
function machineCpu() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3] + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Machine CPU time (all cores, µs) per operation, from the share of the machine busy at `perSecond`. */
function machineMicros(busyShare, perSecond) {
  return (os.cpus().length * busyShare * 1e6) / perSecond;
}

/** Share of the machine's CPU time (all cores) used while `fn` ran. */
async function withMachineLoad(fn) {
  const before = machineCpu();
  const result = await fn();
  const after = machineCpu();
  return { ...result, machineBusy: (after.busy - before.busy) / Math.max(1, after.total - before.total) };
}

/** Starts the consuming service in its own process; resolves once it consumes. */
async function startConsumer(config) {
  const child = fork(path.join(__dirname, 'consumer-process.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const consumer = { child, applied: 0, lastAppliedAt: 0, appliedAt: new Map() };
  child.on('message', (m) => {
    if (m.cpuMicros !== undefined) consumer.cpuMicros = m.cpuMicros;
    if (!m.applied) return;
    consumer.applied += m.applied;
    consumer.lastAppliedAt = m.at;
    for (const [id, at] of m.ids ?? []) consumer.appliedAt.set(id, at);
  });
  await new Promise((resolve, reject) => {
    child.on('message', (m) => m.ready && resolve());
    child.once('exit', (code) => reject(new Error(`consumer process exited with ${code}`)));
    child.send({ start: config });
  });
  consumer.stop = () =>
    new Promise((resolve) => {
      child.once('exit', resolve);
      child.send({ stop: true });
    });
  return consumer;
}

function producerMessaging(amqpUrl, databaseUrl) {
  const logger = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'warn' });
  return messagingLib.createMessaging({ service: 'bench', amqpUrl, databaseUrl, logger, validate: testValidator });
}

/**
 * Runfleet's path end to end: producers commit `perTx` events per transaction (with `stateRows`,
 * also one business row per event, as a service's state change); the relay publishes; the
 * consumer process applies them.
 */
async function outboxToInbox({ amqpUrl, databaseUrl, pool, perTx, label, stateRows = false }) {
  const type = `bench.${label}`;
  const consumer = await startConsumer({ amqpUrl, databaseUrl, concern: label, type, batchSize: 200, concurrency: 2 });
  const messaging = producerMessaging(amqpUrl, databaseUrl);
  messaging.startRelay({ batchSize: 500 });
  await messaging.publisher.waitForConnect();
  const transaction = messaging.transactions(messagingLib.pgTransactions(pool));
  let produced = 0;
  const cpu = process.cpuUsage();
  const started = wallClock();
  await forDuration(SECONDS, PRODUCERS, async () => {
    await transaction(async (_client, sql) => {
      const envelopes = [];
      for (let i = 0; i < perTx; i++) envelopes.push(messaging.envelope(type, { n: produced + i }));
      if (stateRows) await sql.query('INSERT INTO business_row (id, n) SELECT unnest($1::uuid[]), 1', [envelopes.map((e) => e.id)]);
      await messaging.writeOutbox(sql, envelopes);
    });
    produced += perTx;
  });
  const producedAt = wallClock();
  while (consumer.applied < produced) await sleep(5);
  const used = process.cpuUsage(cpu);
  await Promise.all([messaging.close(), consumer.stop()]);
  const { rows } = await pool.query(
    `SELECT EXTRACT(EPOCH FROM max(published_at) - min(created_at))::float8 AS seconds FROM outbox_event WHERE type = $1`,
    [type],
  );
  return {
    produced,
    commitRate: produced / ((producedAt - started) / 1000),
    relayRate: produced / rows[0].seconds,
    endToEndRate: produced / ((consumer.lastAppliedAt - started) / 1000),
    drainAfterProducersMs: consumer.lastAppliedAt - producedAt,
    // node CPU per event: the producing process (producers + relay) and the consuming process
    producerCpuMicrosPerEvent: (used.user + used.system) / produced,
    consumerCpuMicrosPerEvent: consumer.cpuMicros / produced,
  };
}

/** Commit-to-effect latency at a steady rate, 1 event (+ its business row) per transaction. */
async function latencyAtSteadyRate({ amqpUrl, databaseUrl, pool, ratePerSecond }) {
  const type = 'bench.latency';
  const consumer = await startConsumer({ amqpUrl, databaseUrl, concern: 'latency', type, batchSize: 200, concurrency: 1, reportIds: true });
  const messaging = producerMessaging(amqpUrl, databaseUrl);
  messaging.startRelay({ batchSize: 500 });
  await messaging.publisher.waitForConnect();
  const transaction = messaging.transactions(messagingLib.pgTransactions(pool));
  const committedAt = new Map();
  // The first seconds run the same load without being counted: pools open, JIT warms, the
  // consumer's channel settles (they showed as p50 ~20 ms, p99 ~50 ms, against ~8 and ~17 after).
  const warmUp = ratePerSecond * LATENCY_WARM_UP_SECONDS;
  const total = ratePerSecond * SECONDS + warmUp;
  const started = now();
  const inflight = new Set();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / ratePerSecond;
    const wait = due - now();
    if (wait > 1) await sleep(wait);
    const work = (async () => {
      const envelope = messaging.envelope(type, { n: i });
      await transaction(async (_client, sql) => {
        await sql.query('INSERT INTO business_row (id, n) VALUES ($1, 1)', [envelope.id]);
        await messaging.writeOutbox(sql, [envelope]);
      });
      if (i >= warmUp) committedAt.set(envelope.id, wallClock());
    })();
    inflight.add(work);
    work.finally(() => inflight.delete(work));
  }
  await Promise.all(inflight);
  const achievedRate = total / ((now() - started) / 1000);
  // the warm-up's rows leave the relay-claim percentiles below to the measured events too
  const measuredIds = [...committedAt.keys()];
  while (consumer.applied < total) await sleep(5);
  await Promise.all([messaging.close(), consumer.stop()]);
  const latencies = [...committedAt].map(([id, at]) => consumer.appliedAt.get(id) - at);
  // Where the time goes: commit → the relay's claim of the row, from the outbox timestamps.
  const { rows } = await pool.query(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99
     FROM (SELECT EXTRACT(EPOCH FROM published_at - created_at) * 1000 AS ms FROM outbox_event WHERE type = $1 AND id = ANY($2::uuid[])) t`,
    [type, measuredIds],
  );
  return {
    achievedRate,
    p50: await percentile(latencies, 50),
    p99: await percentile(latencies, 99),
    max: Math.max(...latencies),
    txStartToRelayClaimP50: Number(rows[0].p50),
    txStartToRelayClaimP99: Number(rows[0].p99),
  };
}

/** Producers committing one outbox event per transaction with no relay running: commits per second. */
async function producersAlone(pool, type = 'bench.alone') {
  const run = messagingLib.pgTransactions(pool);
  const committed = await forDuration(SECONDS / 2, PRODUCERS, () =>
    run((_client, sql) => messagingLib.writeOutbox(sql, [messagingLib.buildEnvelope(type, { n: 1 }, { producer: 'bench', validate: testValidator })])),
  );
  await pool.query('DELETE FROM outbox_event WHERE type = $1', [type]);
  return committed / (SECONDS / 2);
}

/**
 * Why the outbox has no NOTIFY trigger: producer commit rate (1 event per transaction, no relay)
 * without and with a statement-level trigger that calls pg_notify.
 */
async function notifyTriggerCost(pool) {
  const without = await producersAlone(pool, 'bench.trigger');
  await pool.query(`CREATE FUNCTION bench_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_notify('runfleet_outbox', ''); RETURN NULL; END $$;
    CREATE TRIGGER bench_notify AFTER INSERT ON outbox_event FOR EACH STATEMENT EXECUTE FUNCTION bench_notify()`);
  const withTrigger = await producersAlone(pool, 'bench.trigger');
  await pool.query('DROP TRIGGER bench_notify ON outbox_event; DROP FUNCTION bench_notify()');
  return { without, withTrigger };
}

/**
 * The 1-event goal is a ratio to the bare transaction rate, and this VM's speed drifts by ±20 %
 * from one minute to the next. So each round measures bare transactions, producers alone and the
 * whole path back to back (bare first in odd rounds, last in even ones), and the round with the
 * median ratio stands for the run.
 */
async function singleEventRounds({ amqpUrl, databaseUrl, pool }) {
  const rounds = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    const bareTx = () => withMachineLoad(() => barePostgres(pool));
    // its own queue and event type per round: single_a, single_b, … (types allow letters and _ only)
    const label = `single_${String.fromCharCode(96 + round)}`;
    const wholePath = () => withMachineLoad(() => outboxToInbox({ amqpUrl, databaseUrl, pool, perTx: 1, label }));
    const bareFirst = round % 2 === 1;
    const first = bareFirst ? await bareTx() : await wholePath();
    const alone = await producersAlone(pool);
    const second = bareFirst ? await wholePath() : await bareTx();
    const [bare, path] = bareFirst ? [first, second] : [second, first];
    rounds.push({ bare, producersAlone: alone, path, ratio: path.endToEndRate / bare.rate, producersAloneRatio: alone / bare.rate });
  }
  return rounds;
}

const PHASES = (process.env.BENCH_PHASES ?? 'amqp,pg,trigger,batched,single,latency').split(',');

async function main() {
  const db = await createTestDatabase('bench_messaging');
  const vhost = await createTestVhost('bench_messaging');
  const pool = new Pool({ connectionString: db.url, max: POOL_SIZE });
  try {
    await pool.query(readFileSync(path.join(root, 'packages/messaging/sql/messaging-tables.sql'), 'utf8'));
    await pool.query(`CREATE TABLE bare_row (id uuid PRIMARY KEY, n integer NOT NULL);
      CREATE TABLE business_row (id uuid PRIMARY KEY, n integer NOT NULL);
      CREATE TABLE effect (message_id uuid NOT NULL, n integer)`);
    const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
    console.log(
      `messaging benchmark: ${SECONDS} s per phase, ${PRODUCERS} producer connections (pool of ${POOL_SIZE}); ` +
        `${os.cpus().length} CPUs, load average at start ${load()}`,
    );

    const pct = (share) => `${(share * 100).toFixed(0)} %`;
    const amqp = PHASES.includes('amqp') ? await withMachineLoad(() => bareAmqp(vhost.url)) : { publishRate: NaN, endToEndRate: NaN, machineBusy: NaN };
    console.log(
      `bare RabbitMQ quorum queue: publish with confirms ${fmt(amqp.publishRate)} msg/s; publish+consume+ack end to end ${fmt(amqp.endToEndRate)} msg/s ` +
        `(machine CPU busy ${pct(amqp.machineBusy)})`,
    );
    const bare = PHASES.includes('pg') ? await withMachineLoad(() => barePostgres(pool)) : { rate: NaN, nodeCpuMicrosPerTx: NaN, machineBusy: NaN };
    const pg = bare.rate;
    console.log(`bare PostgreSQL single-row INSERT transactions: ${fmt(pg)} tx/s (client CPU ${fmt(bare.nodeCpuMicrosPerTx)} µs/tx; machine CPU busy ${pct(bare.machineBusy)})`);

    const trigger = PHASES.includes('trigger') ? await notifyTriggerCost(pool) : { without: NaN, withTrigger: NaN };
    console.log(
      `producer commits, 1 event/tx, no relay: ${fmt(trigger.without)} tx/s without a NOTIFY trigger, ${fmt(trigger.withTrigger)} tx/s with one`,
    );
    const skipped = { produced: 0, commitRate: NaN, endToEndRate: NaN, relayRate: NaN, drainAfterProducersMs: NaN };
    const batch = !PHASES.includes('batched')
      ? { ...skipped, machineBusy: NaN }
      : await withMachineLoad(() => outboxToInbox({ amqpUrl: vhost.url, databaseUrl: db.url, pool, perTx: 100, label: 'batched' }));
    console.log(
      `outbox→inbox, 100 events/tx: committed ${fmt(batch.commitRate)} events/s, applied end to end ${fmt(batch.endToEndRate)} events/s ` +
        `(goal ≥ 5,000: ${batch.endToEndRate >= 5_000 ? 'met' : 'NOT met'}); backlog drained ${fmt(batch.drainAfterProducersMs)} ms after producers stopped; ` +
        `machine CPU ${fmt(machineMicros(batch.machineBusy, batch.endToEndRate))} µs per event (a bare transaction: ${fmt(machineMicros(bare.machineBusy, pg))} µs)`,
    );
    // Before the 1-event rounds: run after them (four more busy phases, and autovacuum cleaning up
    // after them) its tail measured that cleanup, p99 64 ms in one run.
    const latency = !PHASES.includes('latency') ? { achievedRate: NaN, p50: NaN, p99: NaN, max: NaN } : await latencyAtSteadyRate({ amqpUrl: vhost.url, databaseUrl: db.url, pool, ratePerSecond: 1_000 });
    console.log(
      `commit-to-effect latency at ${fmt(latency.achievedRate)} events/s (1 event/tx): p50 ${latency.p50.toFixed(1)} ms, ` +
        `p99 ${latency.p99.toFixed(1)} ms (goal < 50 ms: ${latency.p99 < 50 ? 'met' : 'NOT met'}), max ${latency.max.toFixed(1)} ms`,
    );
    const rounds = PHASES.includes('single') ? await singleEventRounds({ amqpUrl: vhost.url, databaseUrl: db.url, pool }) : [];
    for (const [i, r] of rounds.entries()) {
      console.log(
        `  1 event/tx, round ${i + 1}: bare ${fmt(r.bare.rate)} tx/s (machine CPU busy ${pct(r.bare.machineBusy)}); producers alone, no relay, ` +
          `${fmt(r.producersAlone)} tx/s = ${pct(r.producersAloneRatio)}; whole path ${fmt(r.path.endToEndRate)} events/s = ${pct(r.ratio)} ` +
          `(machine CPU busy ${pct(r.path.machineBusy)}); machine CPU ${fmt(machineMicros(r.path.machineBusy, r.path.endToEndRate))} µs per event ` +
          `against ${fmt(machineMicros(r.bare.machineBusy, r.bare.rate))} µs per bare transaction`,
      );
    }
    const medianRound = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor((rounds.length - 1) / 2)];
    const single = medianRound?.path ?? skipped;
    const ratio = medianRound?.ratio ?? NaN;
    // What any outbox → broker → inbox path could reach here if each event cost no more than one
    // bare single-row transaction plus one bare broker round trip, both measured above on the same
    // two cores (the costs add: everything shares the CPUs).
    const additiveCeiling = 1 / (1 / pg + 1 / amqp.endToEndRate);
    console.log(
      `outbox→inbox, 1 event/tx (the round with the median ratio): committed ${fmt(single.commitRate)} events/s, applied end to end ` +
        `${fmt(single.endToEndRate)} events/s = ${pct(ratio)} of the bare single-row tx rate of its round (goal ≥ 80 %: ${ratio >= 0.8 ? 'met' : 'NOT met'}); ` +
        `node CPU per event: producer+relay ${fmt(single.producerCpuMicrosPerEvent)} µs, consumer ${fmt(single.consumerCpuMicrosPerEvent)} µs`,
    );
    console.log(
      `additive ceiling (one bare transaction + one bare broker round trip per event): ${fmt(additiveCeiling)} events/s = ` +
        `${pct(additiveCeiling / pg)} of the bare transaction rate; producers alone reach ${pct(medianRound?.producersAloneRatio ?? NaN)} of it in the same round`,
    );
    const withState = !PHASES.includes('single') ? skipped : await outboxToInbox({ amqpUrl: vhost.url, databaseUrl: db.url, pool, perTx: 1, label: 'stateful', stateRows: true });
    console.log(
      `outbox→inbox, 1 event + 1 state row per tx: applied end to end ${fmt(withState.endToEndRate)} events/s = ` +
        `${((withState.endToEndRate / pg) * 100).toFixed(0)} % of bare single-row tx rate (two rows per transaction instead of one)`,
    );
    console.log(`load average at end ${load()}`);
    console.log(
      JSON.stringify({ amqp, bare, notifyTrigger: trigger, batched: batch, single: { ...single, ratioToBarePg: ratio, additiveCeiling: 1 / (1 / pg + 1 / amqp.endToEndRate) }, singleRounds: rounds, singleWithStateRow: { ...withState, ratioToBarePg: withState.endToEndRate / pg }, latency }, null, 2),
    );
  } finally {
    await pool.end();
    await vhost.drop();
    await db.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
