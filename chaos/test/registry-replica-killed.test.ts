// A runner-registry replica killed while runners long-poll (issue 18 item 2): the platform runs
// two processes of every backend service (as `npm start -- --replicas 2`), the gateway balancing
// each service's replicas round-robin; runners long-poll for jobs through the gateway while
// customers submit them, and one registry replica is SIGKILLed while the runners wait on both.
// Every job is still handed to exactly one runner (one claim answer, attempt 1, one job.assigned
// event), run, and charged once.
import { queryRows } from '@runfleet/test-infra';
import { makeWorld, printFigures, runVerify, canaryFigures, searchSecretCanaries, startChaosPlatform, waitUntil, type ChaosPlatform, type World } from '../support/chaos';
import { doubles, jobBody, newTally, postRetrying, registerRunners, runRunner, type RunnerLog, type Tally } from '../support/traffic';

const RUNNERS = 12;
const JOBS = 120;

let platform: ChaosPlatform;
let world: World;
let runnerTokens: string[];

beforeAll(async () => {
  platform = await startChaosPlatform('chaos_registry', { replicas: 2 });
  world = await makeWorld(platform.stack, 1, '1000');
  runnerTokens = await registerRunners(platform.stack.gatewayUrl, world.customers[0]!, RUNNERS);
}, 240_000);

afterAll(async () => {
  await platform?.stop();
}, 120_000);

/** Answers that were faults (no answer, 5xx) so far. */
const faults = (tally: Tally) => Object.entries(tally.statuses).reduce((n, [status, count]) => n + (status === 'net' || Number(status) >= 500 ? count : 0), 0);

describe('a runner-registry replica killed while runners long-poll', () => {
  it('every queued job is still assigned exactly once, run and charged once', async () => {
    const gateway = platform.stack.gatewayUrl;
    const customer = world.customers[0]!;
    const registryDb = platform.dbUrl('runner-registry');
    const log: RunnerLog = { claimed: [], completed: new Set(), tally: newTally() };
    const submitTally = newTally();
    let stopped = false;
    const runners = runnerTokens.map((token) => runRunner(gateway, token, () => stopped, log, 5));

    const submit = async (count: number) => {
      for (let i = 0; i < count; i += 10) {
        await Promise.all(Array.from({ length: Math.min(10, count - i) }, () => postRetrying(gateway, '/v1/jobs', customer.key, jobBody(customer), submitTally)));
      }
    };
    // the runners are long-polling on both replicas (the queue is empty) before any job arrives
    await new Promise((r) => setTimeout(r, 3_000));
    await submit(JOBS / 2);
    // once the first half is claimed the queue is empty and the runners wait in long-polls (5 s),
    // spread over both replicas by the gateway: that is when replica 1 dies
    await waitUntil(async () => log.claimed.length >= JOBS / 2, 'the first half of the jobs is claimed', 120_000, 100);
    await new Promise((r) => setTimeout(r, 1_000));
    const faultsBeforeKill = faults(log.tally);
    const killedAt = Date.now();
    const claimedAtKill = log.claimed.length;
    const replica = platform.stack.replicas['runner-registry'][0]!;
    replica.child.kill('SIGKILL');
    await replica.exited;
    await submit(JOBS / 2);
    await waitUntil(async () => log.claimed.length > claimedAtKill + 1, 'runners claim again after the kill', 120_000, 100);
    const recoveryMs = Date.now() - killedAt;

    const succeeded = async () => Number((await queryRows<{ n: string }>(registryDb, `SELECT count(*)::text AS n FROM job WHERE status = 'succeeded'`))[0]!.n);
    await waitUntil(async () => (await succeeded()) >= JOBS, `all ${JOBS} jobs succeeded`, 180_000, 500);
    stopped = true;
    await Promise.all(runners);

    const billingDb = platform.dbUrl('billing');
    const charged = async () => Number((await queryRows<{ n: string }>(billingDb, `SELECT count(*)::text AS n FROM ledger_entry WHERE type = 'charge' AND reference_kind = 'job'`))[0]!.n);
    await waitUntil(async () => (await charged()) >= JOBS, 'every job is charged', 60_000, 500);

    const [jobs] = await queryRows<{ total: string; succeeded: string; reassigned: string }>(
      registryDb,
      `SELECT count(*)::text AS total, count(*) FILTER (WHERE status = 'succeeded')::text AS succeeded, count(*) FILTER (WHERE attempt <> 1)::text AS reassigned FROM job`,
    );
    const assignedTwice = await queryRows(registryDb, `SELECT envelope->'data'->>'jobId' AS job FROM outbox_event WHERE type = 'job.assigned' GROUP BY 1 HAVING count(*) > 1`);
    const [charges] = await queryRows<{ n: string; d: string }>(billingDb, `SELECT count(*)::text AS n, count(DISTINCT reference_id)::text AS d FROM ledger_entry WHERE type = 'charge' AND reference_kind = 'job'`);
    const claimedTwice = doubles(log.claimed);
    const verify = runVerify(billingDb);
    const canaries = await searchSecretCanaries(platform, world, runnerTokens);
    printFigures('registry-replica', {
      ...canaryFigures(canaries),
      runners: RUNNERS,
      jobs: JOBS,
      claims: log.claimed.length,
      claimed_twice: claimedTwice.length,
      assigned_events_twice: assignedTwice.length,
      reassigned: jobs!.reassigned,
      lost: JOBS - new Set(log.claimed).size,
      succeeded: jobs!.succeeded,
      charges: charges!.n,
      duplicate_charges: Number(charges!.n) - Number(charges!.d),
      runner_statuses: JSON.stringify(log.tally.statuses),
      submit_retries: submitTally.retries,
      claimed_before_kill: claimedAtKill,
      runner_faults_after_kill: faults(log.tally) - faultsBeforeKill,
      recovery_ms: recoveryMs,
      verify: verify.status === 0 ? 'ok' : `FAILED(${verify.status})`,
    });

    expect(canaries.hits).toEqual([]);
    expect(claimedTwice).toEqual([]);
    expect(assignedTwice).toEqual([]);
    expect(new Set(log.claimed).size).toBe(JOBS);
    expect(jobs).toEqual({ total: String(JOBS), succeeded: String(JOBS), reassigned: '0' });
    expect(charges).toEqual({ n: String(JOBS), d: String(JOBS) });
    expect(verify).toMatchObject({ status: 0 });
    // the kill cut long-polls in flight on the dead replica (the runners saw it and claimed again)
    expect(faults(log.tally)).toBeGreaterThan(faultsBeforeKill);
  }, 420_000);
});
