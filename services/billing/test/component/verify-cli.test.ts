// `verify` (issue 15 item 9): on consistent wallets it exits 0; on a deliberately broken wallet —
// a balance that is not Σ ledger, reserved that is not Σ pending holds, an available balance below
// −credit limit, an edited ledger row behind a disabled trigger, a credit state the ledger
// contradicts (an unknown status, an overdue episode open or missing against the balance) — it
// exits 1 naming every one.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { MONEY_TRANSACTION } from '../../src/db';
import { runVerify } from '../../src/cli/verify';
import { insertPriceVersion } from '../../src/data/price-list.repository';
import { placeJobHold } from '../../src/domain/place-job-hold';
import { jobSubmitted } from '../support/events';
import { createWorld, UNIT, type World } from '../support/world';

jest.setTimeout(120_000);

const run = promisify(execFile);
const CLI = path.resolve(__dirname, '../../dist/cli/verify.js');

let world: World;

beforeAll(async () => {
  world = await createWorld('billing_verify');
  await insertPriceVersion(world.prisma, { jobType: 'render', unit: 'run', unitPrice: UNIT, currency: 'EUR', retired: false, effectiveFrom: new Date(0), createdBy: 'test' });
  await world.fund(world.wallets.customerA, 50n * UNIT);
  await world.fund(world.wallets.customerB, 50n * UNIT);
  await world.prisma.$transaction((tx) => placeJobHold(tx, jobSubmitted(world.ids.customerA, { maxCost: '5' }), new Date(), { holdTtlMs: 60_000 }), MONEY_TRANSACTION);
});

afterAll(async () => {
  await world?.close();
});

async function verify(): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runVerify(world.db.url, (line) => lines.push(line));
  return { code, lines };
}

describe('verify', () => {
  it('passes consistent wallets with exit code 0, from the built CLI too', async () => {
    expect(await verify()).toEqual({ code: 0, lines: [expect.stringMatching(/^verify: ok — 5 wallets, 3 ledger entries/)] });
    expect(existsSync(CLI)).toBe(true); // built by `pnpm exec tsc -b`
    const { stdout } = await run(process.execPath, [CLI], { env: { ...process.env, DATABASE_URL: world.db.url } });
    expect(stdout).toMatch(/^verify: ok/);
  });

  it('reports every violation of a broken wallet and exits 1', async () => {
    const a = world.wallets.customerA;
    const b = world.wallets.customerB;
    // customer A: the balance drifts from the ledger, and the reserved amount from the holds
    await world.prisma.$executeRawUnsafe(`UPDATE "wallet" SET "balance" = "balance" + 1, "reserved" = 0 WHERE "id" = '${a}'`);
    // customer B: an entry edited behind the back of the append-only trigger, and a credit limit
    // cut below what the wallet owes (the CHECK constraint is dropped to make that possible)
    await world.prisma.$executeRawUnsafe('ALTER TABLE "ledger_entry" DISABLE TRIGGER "ledger_entry_append_only"');
    await world.prisma.$executeRawUnsafe(`UPDATE "ledger_entry" SET "amount" = "amount" + 7 WHERE "wallet_id" = '${b}'`);
    await world.prisma.$executeRawUnsafe('ALTER TABLE "wallet" DROP CONSTRAINT "wallet_available_check"');
    await world.prisma.$executeRawUnsafe(`UPDATE "wallet" SET "balance" = -1000000, "credit_limit" = 0 WHERE "id" = '${world.wallets.direct}'`);
    // reseller A: a credit status nobody knows, and an overdue episode open on a balance of zero
    // (which the overdue check would remind and suspend); reseller B: a balance below zero with no
    // episode open (which it would never remind or suspend) — each behind a switched-off guard
    const ra = world.wallets.resellerA;
    const rb = world.wallets.resellerB;
    await world.prisma.$executeRawUnsafe('ALTER TABLE "wallet" DROP CONSTRAINT "wallet_credit_status_check"');
    await world.prisma.$executeRawUnsafe(`UPDATE "wallet" SET "credit_status" = 'frozen', "overdue_since" = now(), "overdue_stage" = 'reminded' WHERE "id" = '${ra}'`);
    await world.prisma.$executeRawUnsafe('ALTER TABLE "wallet" DISABLE TRIGGER "wallet_track_overdue"');
    await world.prisma.$executeRawUnsafe(`UPDATE "wallet" SET "balance" = -1, "credit_limit" = 1 WHERE "id" = '${rb}'`);

    const { code, lines } = await verify();
    expect(code).toBe(1);
    const report = lines.join('\n');
    expect(report).toContain(`balance_matches_ledger wallet ${a}`);
    expect(report).toContain(`reserved_matches_holds wallet ${a}`);
    expect(report).toContain(`reserved_matches_ledger wallet ${a}`);
    expect(report).toContain(`balance_matches_ledger wallet ${b}`);
    expect(report).toContain(`ledger_chain_intact wallet ${b}`);
    expect(report).toContain(`available_above_credit_limit wallet ${world.wallets.direct}`);
    expect(report).toContain('ledger_append_only: trigger ledger_entry_append_only is disabled');
    expect(report).toContain(`credit_status_known wallet ${ra}: credit status "frozen"`);
    expect(report).toMatch(new RegExp(`overdue_matches_balance wallet ${ra}: balance 0\\.000000 is not below zero, but an overdue episode is open`));
    expect(report).toContain(`overdue_matches_balance wallet ${rb}: balance -0.000001 is below zero, but no overdue episode is open`);
    expect(report).not.toContain(`overdue_matches_balance wallet ${world.wallets.direct}`);

    const cli = await run(process.execPath, [CLI], { env: { ...process.env, DATABASE_URL: world.db.url } }).then(
      () => ({ code: 0 }),
      (err: { code: number; stdout: string }) => err,
    );
    expect(cli.code).toBe(1);
  });
});
