// The ledger as CSV (issue 15 item 2): every entry matching the filters, oldest pages fetched a
// thousand at a time and streamed, so an export of a busy wallet never sits in memory at once.
// Free-text cells that a spreadsheet would run as a formula are quoted with a leading apostrophe.
import type { Response } from 'express';
import type { EntryRecord } from '../data/ledger.repository';
import { transactionJson } from './wallets.schemas';

export const CSV_COLUMNS = ['id', 'createdAt', 'type', 'amount', 'reservedChange', 'balanceAfter', 'reservedAfter', 'referenceKind', 'referenceId', 'holdId', 'refundOf', 'actorType', 'actorId', 'reason'] as const;

function cell(value: string | null, text = false): string {
  if (value === null) return '';
  const safe = text && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvRow(entry: EntryRecord): string {
  const t = transactionJson(entry);
  return [
    cell(t.id),
    cell(t.createdAt),
    cell(t.type),
    cell(t.amount),
    cell(t.reservedChange),
    cell(t.balanceAfter),
    cell(t.reservedAfter),
    cell(t.reference?.kind ?? null, true),
    cell(t.reference?.id ?? null, true),
    cell(t.holdId),
    cell(t.refundOf),
    cell(t.actor.type, true),
    cell(t.actor.id, true),
    cell(t.reason, true),
  ].join(',');
}

/** Streams pages from `nextPage` until it says there is no more. */
export async function writeCsv(res: Response, filename: string, nextPage: (cursor: string | undefined) => Promise<{ items: EntryRecord[]; nextCursor: string | null }>): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.write(`${CSV_COLUMNS.join(',')}\r\n`);
  let cursor: string | undefined;
  do {
    const page = await nextPage(cursor);
    if (page.items.length > 0) res.write(`${page.items.map(csvRow).join('\r\n')}\r\n`);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  res.end();
}
