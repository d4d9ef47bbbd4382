// GET /internal/invoices/{id}.pdf (issue 17 item 5): an issued invoice's PDF for the notifications
// service, which mails it with invoice.issued. Same PDF as /v1/invoices/{id}.pdf; the owner comes
// back in headers so the caller can check the recipient may read it. The gateway never forwards
// /internal/*.
import { z } from 'zod';
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import { readInvoiceForService } from '../domain/read-invoice-for-mail';
import type { UseCaseDeps } from '../domain/use-case-deps';
import { idParams } from './common.schemas';
import { renderInvoicePdf, type Seller } from './invoice-pdf';
import { INVOICE_EXAMPLE_ID } from './invoices.schemas';

/** Response headers naming whose invoice it is (empty when the invoice has none). */
export const INVOICE_OWNER_HEADERS = {
  kind: 'x-runfleet-invoice-kind',
  number: 'x-runfleet-invoice-number',
  customerId: 'x-runfleet-invoice-customer-id',
  resellerId: 'x-runfleet-invoice-reseller-id',
} as const;

export function registerInternalInvoiceRoutes(api: ApiRoutes, deps: UseCaseDeps & { seller: Seller }): void {
  api.route(
    {
      method: 'get',
      path: '/internal/invoices/:invoiceId.pdf',
      summary: 'Get an issued invoice as PDF (notifications only)',
      description:
        'Internal: callable only with a `service` principal for `notifications`, which attaches the PDF to the invoice.issued email. ' +
        'Any issued, paid or void invoice; a draft or unknown id is 404. Headers `X-Runfleet-Invoice-Kind`, `-Number`, `-Customer-Id`, `-Reseller-Id` say whose it is.',
      tags: ['internal'],
      request: { params: idParams('invoiceId', INVOICE_EXAMPLE_ID) },
      responses: { 200: { description: 'The PDF', contentType: 'application/pdf', schema: z.string().meta({ format: 'binary' }) } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      const invoice = await readInvoiceForService(deps, principalFromRequest(req), params.invoiceId);
      const pdf = await renderInvoicePdf(invoice, deps.seller);
      res.status(200);
      res.setHeader('Content-Type', 'application/pdf');
      res.setHeader(INVOICE_OWNER_HEADERS.kind, invoice.kind);
      res.setHeader(INVOICE_OWNER_HEADERS.number, invoice.number ?? '');
      res.setHeader(INVOICE_OWNER_HEADERS.customerId, invoice.customerId ?? '');
      res.setHeader(INVOICE_OWNER_HEADERS.resellerId, invoice.resellerId ?? '');
      res.end(pdf);
    },
  );
}
