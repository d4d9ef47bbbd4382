// An invoice as PDF (issue 16 item 2: "rendered by a well-kept library ... with the seller, the
// buyer, lines, totals and number"), drawn with pdfkit in its built-in Helvetica. Amounts are
// printed exactly as the API states them (6 decimals, DESIGN.md §5): nothing is rounded for print.
// The customer and the reseller are named as they were when the invoice was issued (billing's read
// model of the reseller service's account events, copied onto the invoice), then by kind and id;
// an account whose name billing never learnt is named by its id only. The platform's name and
// address come from configuration.
import { formatMoney } from '@runfleet/contracts';
import type { InvoiceLineRecord, InvoiceWithLines } from '../data/invoice.repository';

export interface Seller {
  name: string;
  /** address lines */
  address: string[];
}

const LEFT = 50;
const RIGHT = 545;
const AMOUNT_X = 420;
const BOTTOM = 760;

const date = (d: Date | null): string => (d ? d.toISOString().slice(0, 10) : '-');

/**
 * The PDF's bytes. pdfkit (and its fonts) is loaded by the first PDF asked for, not at start-up:
 * it adds ~10 MB to the resident size of every billing process (docs/benchmarks.md, saga memory).
 */
export async function renderInvoicePdf(invoice: InvoiceWithLines, seller: Seller): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ size: 'A4', margin: LEFT, info: { Title: invoice.number ?? 'Draft invoice', Author: seller.name } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const money = (micros: bigint) => `${formatMoney(micros)} ${invoice.currency}`;

  const title = invoice.kind === 'usage' ? 'Usage statement' : 'Commission invoice';
  doc.font('Helvetica-Bold').fontSize(18).text(title, LEFT, LEFT);
  doc.font('Helvetica').fontSize(10).moveDown(0.3);
  doc.text(`Invoice number: ${invoice.number ?? 'DRAFT (no number until issued)'}`);
  doc.text(`Status: ${invoice.status}`);
  doc.text(`Period: ${date(invoice.periodStart)} to ${date(invoice.periodEnd)}`);
  doc.text(`Issued: ${date(invoice.issuedAt)}    Due: ${date(invoice.dueDate)}`);
  if (invoice.status === 'void') doc.text(`VOID: ${invoice.voidReason ?? ''}`);

  // Seller, then buyer, each across the page: an id must never wrap, or a reader (and pdftotext) splits
  // it. The platform sells on a statement; on a commission invoice the reseller sells it its earnings.
  const platform = [seller.name, ...seller.address];
  const named = (name: string | null, idLine: string) => (name !== null ? [name, idLine] : [idLine]);
  const throughReseller = !invoice.resellerId
    ? ['direct customer']
    : invoice.resellerName !== null
      ? [`through reseller ${invoice.resellerName}`, `Reseller ${invoice.resellerId}`]
      : [`through reseller ${invoice.resellerId}`];
  const parties: [string, string[]][] =
    invoice.kind === 'usage'
      ? [
          ['Seller', platform],
          ['Bill to', [...named(invoice.customerName, `Customer ${invoice.customerId}`), ...throughReseller]],
        ]
      : [
          ['Seller (payee)', named(invoice.resellerName, `Reseller ${invoice.resellerId}`)],
          ['Bill to', platform],
        ];
  for (const [heading, lines] of parties) {
    doc.moveDown(0.7);
    doc.font('Helvetica-Bold').text(heading, LEFT, doc.y);
    doc.font('Helvetica').text(lines.join('\n'), LEFT, doc.y, { width: RIGHT - LEFT });
  }
  let y = doc.y + 20;

  const row = (description: string, amount: string, bold = false) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    const height = Math.max(doc.heightOfString(description, { width: AMOUNT_X - LEFT - 10 }), 12);
    if (y + height > BOTTOM) {
      doc.addPage();
      y = LEFT;
    }
    doc.text(description, LEFT, y, { width: AMOUNT_X - LEFT - 10 });
    doc.text(amount, AMOUNT_X, y, { width: RIGHT - AMOUNT_X, align: 'right' });
    y += height + 4;
  };
  const rule = () => {
    doc.moveTo(LEFT, y).lineTo(RIGHT, y).stroke();
    y += 6;
  };

  row('Description', `Amount (${invoice.currency})`, true);
  rule();
  const counted = invoice.lines.filter((l) => l.kind !== 'credit');
  if (invoice.kind === 'commission') {
    for (const group of groupsOf(counted)) {
      row(`Customer ${group.customerId}, ${group.month}`, '', true);
      for (const line of group.lines) row(`  ${line.description}`, formatMoney(line.amount));
      row(`  Subtotal`, formatMoney(group.lines.reduce((sum, l) => sum + l.amount, 0n)));
    }
  } else {
    for (const line of counted) row(line.description, formatMoney(line.amount));
  }
  if (counted.length === 0) row('No charges in this period.', formatMoney(0n));
  rule();
  row('Total', money(invoice.total), true);

  const credits = invoice.lines.filter((l) => l.kind === 'credit');
  if (credits.length > 0) {
    y += 10;
    row('Credits and top-ups received in the period (not part of the total)', '', true);
    for (const line of credits) row(line.description, formatMoney(line.amount));
    row('Credits received', money(invoice.creditsTotal), true);
  }
  doc.end();
  return done;
}

interface LineGroup {
  customerId: string;
  month: string;
  lines: InvoiceLineRecord[];
}

/** Commission lines come ordered by customer and month; consecutive lines of one pair form a group. */
function groupsOf(lines: readonly InvoiceLineRecord[]): LineGroup[] {
  const groups: LineGroup[] = [];
  for (const line of lines) {
    const customerId = line.customerId ?? '-';
    const month = line.month ? line.month.toISOString().slice(0, 7) : '-';
    const last = groups[groups.length - 1];
    if (last && last.customerId === customerId && last.month === month) last.lines.push(line);
    else groups.push({ customerId, month, lines: [line] });
  }
  return groups;
}
