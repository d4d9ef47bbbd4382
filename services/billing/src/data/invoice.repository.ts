// Invoices in the database (DESIGN.md §2 billing "Invoice"; issue 16 item 2): the invoice, its
// lines, and the counter each series and year numbers from. A number is taken by incrementing the
// counter row inside the issuing transaction: the row lock makes concurrent issues of a series wait
// for each other, and a transaction that rolls back takes its increment with it, so numbers are
// sequential without gaps.
import type { Page } from '@runfleet/contracts';
import { afterCursor, NEWEST_FIRST, toPage } from '@runfleet/service-kit';
import type { Db, Prisma } from '../db';

export type InvoiceKind = 'usage' | 'commission';
export type InvoiceStatus = 'draft' | 'issued' | 'paid' | 'void';
export type LineKind = 'job' | 'order' | 'refund' | 'credit' | 'commission';

export interface InvoiceLineRecord {
  position: number;
  kind: LineKind;
  description: string;
  jobType: string | null;
  unit: string | null;
  /** usage in micro-units of `unit` */
  units: bigint | null;
  unitPrice: bigint | null;
  quantity: number;
  /** what the line adds to the total (a refund is negative; a credit is shown but not counted) */
  amount: bigint;
  customerId: string | null;
  month: Date | null;
  commissionId: string | null;
  baseAmount: bigint | null;
  rate: string | null;
  referenceKind: string | null;
  referenceId: string | null;
}

export type NewInvoiceLine = Partial<InvoiceLineRecord> & Pick<InvoiceLineRecord, 'kind' | 'description' | 'amount'>;

export interface InvoiceRecord {
  id: string;
  kind: InvoiceKind;
  series: string;
  number: string | null;
  status: InvoiceStatus;
  customerId: string | null;
  resellerId: string | null;
  /** the customer's and the reseller's names at issue time (null on a draft, or when billing knew none) */
  customerName: string | null;
  resellerName: string | null;
  currency: string;
  periodStart: Date;
  periodEnd: Date;
  total: bigint;
  creditsTotal: bigint;
  dueDate: Date | null;
  issuedAt: Date | null;
  paidAt: Date | null;
  paymentReference: string | null;
  voidedAt: Date | null;
  voidReason: string | null;
  createdByType: string;
  createdById: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface InvoiceWithLines extends InvoiceRecord {
  lines: InvoiceLineRecord[];
}

const invoiceSelect = {
  id: true,
  kind: true,
  series: true,
  number: true,
  status: true,
  customerId: true,
  resellerId: true,
  customerName: true,
  resellerName: true,
  currency: true,
  periodStart: true,
  periodEnd: true,
  total: true,
  creditsTotal: true,
  dueDate: true,
  issuedAt: true,
  paidAt: true,
  paymentReference: true,
  voidedAt: true,
  voidReason: true,
  createdByType: true,
  createdById: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.InvoiceSelect;

const lineSelect = {
  position: true,
  kind: true,
  description: true,
  jobType: true,
  unit: true,
  units: true,
  unitPrice: true,
  quantity: true,
  amount: true,
  customerId: true,
  month: true,
  commissionId: true,
  baseAmount: true,
  rate: true,
  referenceKind: true,
  referenceId: true,
} satisfies Prisma.InvoiceLineSelect;

/** `YYYY-MM-DD` of a UTC date: dates go to SQL as text, so the session's time zone cannot shift them. */
export const isoDate = (date: Date): string => date.toISOString().slice(0, 10);

const asInvoice = (row: Prisma.InvoiceGetPayload<{ select: typeof invoiceSelect }>): InvoiceRecord => row as InvoiceRecord;
const asLine = (row: Prisma.InvoiceLineGetPayload<{ select: typeof lineSelect }>): InvoiceLineRecord => row as InvoiceLineRecord;

/** Who may see which invoices: admins all; a reseller its own commission invoices and its customers' statements; a customer its own statements. */
export type InvoiceScope = { all: true } | { resellerId: string } | { customerId: string };

export function invoiceScopeWhere(scope: InvoiceScope): Prisma.InvoiceWhereInput {
  if ('all' in scope) return {};
  if ('resellerId' in scope) return { resellerId: scope.resellerId };
  return { kind: 'usage', customerId: scope.customerId };
}

export interface NewInvoice {
  /** chosen by the caller when other rows must name the invoice first (commissions it claims) */
  id?: string;
  kind: InvoiceKind;
  series: string;
  customerId: string | null;
  resellerId: string | null;
  currency: string;
  periodStart: Date;
  periodEnd: Date;
  createdByType: string;
  createdById: string | null;
}

/** Inserts a draft; a second usage statement for the same customer and period returns null (the unique index refuses it). */
export async function insertDraft(tx: Db, invoice: NewInvoice): Promise<string | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`INSERT INTO "invoice"
      ("id", "kind", "series", "customer_id", "reseller_id", "currency", "period_start", "period_end", "created_by_type", "created_by_id")
    VALUES (COALESCE(${invoice.id ?? null}::uuid, gen_random_uuid()), ${invoice.kind}, ${invoice.series}, ${invoice.customerId}::uuid, ${invoice.resellerId}::uuid, ${invoice.currency},
      ${isoDate(invoice.periodStart)}::date, ${isoDate(invoice.periodEnd)}::date, ${invoice.createdByType}, ${invoice.createdById})
    ON CONFLICT DO NOTHING
    RETURNING "id"`;
  return rows[0]?.id ?? null;
}

/** Writes the lines of a draft (positions in the given order) and its totals. */
export async function saveLines(tx: Db, invoiceId: string, lines: readonly NewInvoiceLine[], totals: { total: bigint; creditsTotal: bigint }): Promise<void> {
  await tx.invoiceLine.createMany({
    data: lines.map((line, i) => ({
      invoiceId,
      position: i + 1,
      kind: line.kind,
      description: line.description,
      jobType: line.jobType ?? null,
      unit: line.unit ?? null,
      units: line.units ?? null,
      unitPrice: line.unitPrice ?? null,
      quantity: line.quantity ?? 1,
      amount: line.amount,
      customerId: line.customerId ?? null,
      month: line.month ?? null,
      commissionId: line.commissionId ?? null,
      baseAmount: line.baseAmount ?? null,
      rate: line.rate ?? null,
      referenceKind: line.referenceKind ?? null,
      referenceId: line.referenceId ?? null,
    })),
  });
  await tx.invoice.update({ where: { id: invoiceId }, data: { total: totals.total, creditsTotal: totals.creditsTotal }, select: { id: true } });
}

/** The invoice locked FOR UPDATE until the transaction ends (callers check who may touch it). */
export async function lockInvoice(tx: Db, id: string): Promise<InvoiceRecord | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "invoice" WHERE "id" = ${id}::uuid FOR UPDATE`;
  if (rows.length === 0) return null;
  return asInvoice(await tx.invoice.findUniqueOrThrow({ where: { id }, select: invoiceSelect }));
}

/**
 * The next number of `series` in `year`: the counter row is created at 1 or incremented, and stays
 * locked until the caller's transaction ends.
 */
export async function takeNextNumber(tx: Db, series: string, year: number): Promise<number> {
  const rows = await tx.$queryRaw<{ last: number }[]>`INSERT INTO "invoice_counter" ("series", "year", "last")
    VALUES (${series}, ${year}, 1)
    ON CONFLICT ("series", "year") DO UPDATE SET "last" = "invoice_counter"."last" + 1
    RETURNING "last"`;
  return rows[0]!.last;
}

export async function markIssued(
  tx: Db,
  id: string,
  fields: { number: string; issuedAt: Date; dueDate: Date; customerName: string | null; resellerName: string | null },
): Promise<InvoiceRecord> {
  return asInvoice(
    await tx.invoice.update({
      where: { id },
      data: {
        status: 'issued',
        number: fields.number,
        issuedAt: fields.issuedAt,
        dueDate: fields.dueDate,
        customerName: fields.customerName,
        resellerName: fields.resellerName,
        updatedAt: fields.issuedAt,
      },
      select: invoiceSelect,
    }),
  );
}

export async function markPaid(tx: Db, id: string, fields: { paidAt: Date; paymentReference: string | null }): Promise<InvoiceRecord> {
  return asInvoice(
    await tx.invoice.update({
      where: { id },
      data: { status: 'paid', paidAt: fields.paidAt, paymentReference: fields.paymentReference, updatedAt: fields.paidAt },
      select: invoiceSelect,
    }),
  );
}

export async function markVoid(tx: Db, id: string, fields: { voidedAt: Date; reason: string }): Promise<InvoiceRecord> {
  return asInvoice(
    await tx.invoice.update({
      where: { id },
      data: { status: 'void', voidedAt: fields.voidedAt, voidReason: fields.reason, updatedAt: fields.voidedAt },
      select: invoiceSelect,
    }),
  );
}

export async function findInvoice(db: Db, id: string, scope: InvoiceScope): Promise<InvoiceWithLines | null> {
  const row = await db.invoice.findFirst({
    where: { AND: [{ id }, invoiceScopeWhere(scope)] },
    select: { ...invoiceSelect, lines: { select: lineSelect, orderBy: { position: 'asc' } } },
  });
  if (!row) return null;
  const { lines, ...invoice } = row;
  return { ...asInvoice(invoice), lines: lines.map(asLine) };
}

export interface InvoiceListFilters {
  scope: InvoiceScope;
  kind?: InvoiceKind | undefined;
  status?: InvoiceStatus | undefined;
  customerId?: string | undefined;
  resellerId?: string | undefined;
  /** invoices whose period starts on or after / before these dates */
  periodFrom?: Date | undefined;
  periodTo?: Date | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** Invoices `scope` allows, newest first. */
export async function listInvoices(db: Db, filters: InvoiceListFilters): Promise<Page<InvoiceRecord>> {
  const rows = await db.invoice.findMany({
    where: {
      AND: [
        invoiceScopeWhere(filters.scope),
        filters.kind !== undefined ? { kind: filters.kind } : {},
        filters.status !== undefined ? { status: filters.status } : {},
        filters.customerId !== undefined ? { customerId: filters.customerId } : {},
        filters.resellerId !== undefined ? { resellerId: filters.resellerId } : {},
        filters.periodFrom !== undefined ? { periodStart: { gte: filters.periodFrom } } : {},
        filters.periodTo !== undefined ? { periodStart: { lt: filters.periodTo } } : {},
        afterCursor(filters.cursor),
      ],
    },
    orderBy: NEWEST_FIRST,
    take: filters.limit + 1,
    select: invoiceSelect,
  });
  return toPage(rows.map(asInvoice), filters.limit);
}
