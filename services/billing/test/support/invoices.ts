// Helpers of the invoice suites: commission rows written straight into the commissions work's
// `commission` table (on the reseller's earnings wallet, opened here when the test has none), a clock moved into next month, and
// a PDF's text read back with pdftotext (Debian's poppler-utils; scripts/test.sh installs it).
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type request from 'supertest';
import type { PrismaClient } from '../../src/db';
import type { TestClock } from './world';

export interface CommissionRow {
  resellerId: string;
  customerId: string;
  amount: bigint;
  baseAmount?: bigint;
  rate?: number;
  source?: 'charge' | 'order';
  currency?: string;
  status?: 'pending' | 'approved' | 'paid';
  createdAt?: Date;
  approvedAt?: Date | null;
}

export async function insertCommission(prisma: PrismaClient, row: CommissionRow): Promise<string> {
  const createdAt = row.createdAt ?? new Date();
  const status = row.status ?? 'approved';
  const approvedAt = row.approvedAt === undefined ? (status === 'pending' ? null : createdAt) : row.approvedAt;
  const currency = row.currency ?? 'EUR';
  let [wallet] = await prisma.$queryRaw<{ id: string }[]>`SELECT "id" FROM "wallet" WHERE "owner_type" = 'reseller' AND "owner_id" = ${row.resellerId}::uuid`;
  if (!wallet) {
    [wallet] = await prisma.$queryRaw<{ id: string }[]>`INSERT INTO "wallet" ("owner_type", "owner_id", "reseller_id", "currency")
      VALUES ('reseller', ${row.resellerId}::uuid, ${row.resellerId}::uuid, ${currency}) RETURNING "id"`;
  }
  const rate = row.rate ?? 1000;
  const rows = await prisma.$queryRaw<{ id: string }[]>`INSERT INTO "commission"
      ("reseller_id", "wallet_id", "customer_id", "kind", "source_kind", "source_id", "base", "rate_bps", "tier", "tier_bonus_bps",
       "amount", "booked", "currency", "status", "earned_at", "approved_at", "idempotency_key")
    VALUES (${row.resellerId}::uuid, ${wallet!.id}::uuid, ${row.customerId}::uuid, 'earning', ${row.source === 'order' ? 'order' : 'job'}, gen_random_uuid(),
      ${row.baseAmount ?? row.amount * 10n}, ${rate}, 'bronze', 0, ${row.amount}, ${status === 'pending' ? 0n : row.amount}, ${currency}, ${status},
      ${createdAt}, ${approvedAt}, ${'test-commission:' + randomUUID()})
    RETURNING "id"`;
  return rows[0]!.id;
}

/** Moves the clock to the 2nd of next month (UTC), 10:00, so "last month" is the current real month. */
export function moveToNextMonth(clock: TestClock): Date {
  const now = clock.now();
  const target = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 2, 10);
  clock.advance(target - now.getTime());
  return clock.now();
}

/** The text pdftotext reads from a PDF (fails the test when it cannot read it). */
export function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'invoice-pdf-'));
  try {
    const file = path.join(dir, 'invoice.pdf');
    writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** supertest's parser for a binary body: `.buffer(true).parse(binary)` makes `res.body` a Buffer. */
export const binary = ((res: NodeJS.ReadableStream, done: (err: Error | null, body: Buffer) => void): void => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}) as unknown as Parameters<request.Test['parse']>[0];
