// `node services/billing/dist/cli/verify.js`: proves the money invariants of every wallet
// (domain/verify-ledger.ts; issue 15 item 9). DATABASE_URL names billing's database. Prints one
// line per violation and exits 1 when there is any, else one summary line and exit 0; exit 2 when
// the check itself could not run. The chaos tests and operators call it.
import { createPrisma } from '../db';
import { verifyLedger, type VerifyReport } from '../domain/verify-ledger';

export function formatReport(report: VerifyReport): string[] {
  if (report.violations.length === 0) {
    return [`verify: ok — ${report.wallets} wallets, ${report.entries} ledger entries; balance = Σ ledger, reserved = Σ pending holds, available ≥ −credit limit, credit state agrees, ledger unchanged`];
  }
  return [
    `verify: ${report.violations.length} violation(s) in ${report.wallets} wallets, ${report.entries} ledger entries`,
    ...report.violations.map((v) => `  ${v.rule}${v.walletId ? ` wallet ${v.walletId}` : ''}: ${v.detail}`),
  ];
}

/** Runs the check against `databaseUrl`, writes the report, and returns the exit code. */
export async function runVerify(databaseUrl: string, write: (line: string) => void): Promise<number> {
  const prisma = createPrisma(databaseUrl, { poolMax: 1 });
  try {
    const report = await verifyLedger(prisma);
    for (const line of formatReport(report)) write(line);
    return report.violations.length === 0 ? 0 : 1;
  } finally {
    await prisma.$disconnect();
  }
}

if (require.main === module) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    process.stderr.write('verify: DATABASE_URL is not set (billing database)\n');
    process.exitCode = 2;
  } else {
    runVerify(url, (line) => process.stdout.write(`${line}\n`)).then(
      (code) => {
        process.exitCode = code;
      },
      (err: unknown) => {
        // The URL may carry a password: report the error's message only, never the URL.
        process.stderr.write(`verify: could not run: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 2;
      },
    );
  }
}
