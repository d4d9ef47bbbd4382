// Request and response schemas of /v1/invoices (usage statements and commission invoices).
import { z } from 'zod';
import type { InvoiceLineRecord, InvoiceRecord, InvoiceWithLines } from '../data/invoice.repository';
import { EXAMPLE_IDS, EXAMPLE_TIME, iso, listQuery, money, moneyOut, nullableTimestampSchema, timestampSchema } from './common.schemas';
import { knownCurrency } from './wallets.schemas';

const EXAMPLE_INVOICE = 'a9b8c7d6-e5f4-4a3b-8c2d-1e0f9a8b7c6d';
export const INVOICE_EXAMPLE_ID = EXAMPLE_INVOICE;

const kindSchema = z.enum(['usage', 'commission']).meta({ description: 'usage: a customer’s monthly statement; commission: a reseller’s commission invoice' });
const statusSchema = z.enum(['draft', 'issued', 'paid', 'void']);
const dateSchema = z.iso.date().meta({ example: '2026-11-30' });
const dateOnly = (date: Date): string => date.toISOString().slice(0, 10);

export const invoiceLineSchema = z.object({
  position: z.number().int(),
  kind: z.enum(['job', 'order', 'refund', 'credit', 'commission']).meta({ description: 'a credit is shown but not counted in the total' }),
  description: z.string(),
  jobType: z.string().nullable(),
  unit: z.string().nullable(),
  units: moneyOut('usage in units of `unit` (6 decimals)', '1250.000000').nullable(),
  unitPrice: moneyOut('price per unit of the price list version', '0.010000').nullable(),
  quantity: z.number().int().meta({ description: 'jobs on a job line; 1 otherwise' }),
  amount: moneyOut('what the line adds to the total (a refund is negative)', '12.500000'),
  customerId: z.uuid().nullable().meta({ description: 'commission lines: whose purchase earned it' }),
  month: z.string().nullable().meta({ description: 'commission lines: the month earned, `YYYY-MM`', example: '2026-11' }),
  commissionId: z.uuid().nullable(),
  baseAmount: moneyOut('commission lines: the sale the commission is on', '100.000000').nullable(),
  rate: z.string().nullable().meta({ description: 'commission lines: the rate as stored (basis points)', example: '1400' }),
  reference: z.object({ kind: z.string(), id: z.string() }).nullable().meta({ description: 'the order, job or commission the line is for' }),
});

const invoiceFields = {
  id: z.uuid(),
  kind: kindSchema,
  number: z.string().nullable().meta({ description: '`<series>-<year>-<6 digits>`; null while a draft', example: 'RF-2026-000123' }),
  status: statusSchema,
  customerId: z.uuid().nullable().meta({ description: 'the billed customer (statements); null on a commission invoice' }),
  resellerId: z.uuid().nullable().meta({ description: 'the customer’s reseller, or the invoicing reseller' }),
  customerName: z.string().nullable().meta({ description: 'the customer’s name when the invoice was issued; null on a draft, a commission invoice, or when billing knew none', example: 'Jane Doe' }),
  resellerName: z.string().nullable().meta({ description: 'the reseller’s name when the invoice was issued; null on a draft, for a direct customer, or when billing knew none', example: 'Northwind Resale' }),
  currency: z.string(),
  periodStart: dateSchema,
  periodEnd: dateSchema,
  total: moneyOut('Σ of the counted lines', '342.180000'),
  creditsTotal: moneyOut('statements: credits and top-ups received in the period (not counted)', '0.000000'),
  dueDate: dateSchema.nullable(),
  issuedAt: nullableTimestampSchema,
  paidAt: nullableTimestampSchema,
  paymentReference: z.string().nullable(),
  voidedAt: nullableTimestampSchema,
  voidReason: z.string().nullable(),
  createdAt: timestampSchema,
  pdf: z.string().meta({ description: 'where the PDF is', example: `/v1/invoices/${EXAMPLE_INVOICE}.pdf` }),
};

const example = {
  id: EXAMPLE_INVOICE,
  kind: 'usage',
  number: 'RF-2026-000123',
  status: 'issued',
  customerId: EXAMPLE_IDS.customer,
  resellerId: EXAMPLE_IDS.reseller,
  customerName: 'Jane Doe',
  resellerName: 'Northwind Resale',
  currency: 'EUR',
  periodStart: '2026-11-01',
  periodEnd: '2026-11-30',
  total: '12.500000',
  creditsTotal: '50.000000',
  dueDate: '2026-12-15',
  issuedAt: EXAMPLE_TIME,
  paidAt: null,
  paymentReference: null,
  voidedAt: null,
  voidReason: null,
  createdAt: EXAMPLE_TIME,
  pdf: `/v1/invoices/${EXAMPLE_INVOICE}.pdf`,
};

export const invoiceSummarySchema = z.object(invoiceFields).meta({ example });
export const invoiceSchema = z.object({ ...invoiceFields, lines: z.array(invoiceLineSchema) }).meta({
  example: {
    ...example,
    lines: [
      { position: 1, kind: 'job', description: 'render: 3 jobs, 1250 second at 0.010000 per second', jobType: 'render', unit: 'second', units: '1250.000000', unitPrice: '0.010000', quantity: 3, amount: '12.500000', customerId: null, month: null, commissionId: null, baseAmount: null, rate: null, reference: null },
    ],
  },
});

export const invoiceSummaryJson = (i: InvoiceRecord): z.infer<typeof invoiceSummarySchema> => ({
  id: i.id,
  kind: i.kind,
  number: i.number,
  status: i.status,
  customerId: i.customerId,
  resellerId: i.resellerId,
  customerName: i.customerName,
  resellerName: i.resellerName,
  currency: i.currency,
  periodStart: dateOnly(i.periodStart),
  periodEnd: dateOnly(i.periodEnd),
  total: money(i.total),
  creditsTotal: money(i.creditsTotal),
  dueDate: i.dueDate ? dateOnly(i.dueDate) : null,
  issuedAt: i.issuedAt ? iso(i.issuedAt) : null,
  paidAt: i.paidAt ? iso(i.paidAt) : null,
  paymentReference: i.paymentReference,
  voidedAt: i.voidedAt ? iso(i.voidedAt) : null,
  voidReason: i.voidReason,
  createdAt: iso(i.createdAt),
  pdf: `/v1/invoices/${i.id}.pdf`,
});

const lineJson = (l: InvoiceLineRecord): z.infer<typeof invoiceLineSchema> => ({
  position: l.position,
  kind: l.kind,
  description: l.description,
  jobType: l.jobType,
  unit: l.unit,
  units: l.units === null ? null : money(l.units),
  unitPrice: l.unitPrice === null ? null : money(l.unitPrice),
  quantity: l.quantity,
  amount: money(l.amount),
  customerId: l.customerId,
  month: l.month ? l.month.toISOString().slice(0, 7) : null,
  commissionId: l.commissionId,
  baseAmount: l.baseAmount === null ? null : money(l.baseAmount),
  rate: l.rate,
  reference: l.referenceKind && l.referenceId ? { kind: l.referenceKind, id: l.referenceId } : null,
});

export const invoiceJson = (i: InvoiceWithLines): z.infer<typeof invoiceSchema> => ({ ...invoiceSummaryJson(i), lines: i.lines.map(lineJson) });

export const invoiceListQuery = listQuery({
  kind: kindSchema.optional(),
  status: statusSchema.optional(),
  customerId: z.uuid().optional().meta({ example: EXAMPLE_IDS.customer }),
  resellerId: z.uuid().optional().meta({ example: EXAMPLE_IDS.reseller }),
  periodFrom: z.iso.date().optional().meta({ description: 'invoices whose period starts on or after this date', example: '2026-01-01' }),
  periodTo: z.iso.date().optional().meta({ description: 'invoices whose period starts before this date', example: '2027-01-01' }),
});

export const createInvoiceBody = z
  .strictObject({
    kind: z.literal('commission').meta({ description: 'only commission invoices are created by API; statements come from the monthly run' }),
    resellerId: z.uuid().optional().meta({ description: 'an admin names the reseller; a reseller may leave it out', example: EXAMPLE_IDS.reseller }),
    currency: knownCurrency.optional().meta({ description: 'needed only when the commissions are in several currencies', example: 'EUR' }),
  })
  .meta({ example: { kind: 'commission' } });

export const payInvoiceBody = z
  .strictObject({ reference: z.string().trim().min(1).max(200).optional().meta({ description: 'the payment’s reference (bank transfer id…)', example: 'tr_9XyZ8wV7' }) })
  .meta({ example: { reference: 'tr_9XyZ8wV7' } });

export const voidInvoiceBody = z
  .strictObject({ reason: z.string().trim().min(1).max(500).meta({ description: 'why it is void', example: 'issued to the wrong reseller' }) })
  .meta({ example: { reason: 'issued to the wrong reseller' } });
