// /v1/invoices (issue 16 item 2): customers' monthly usage statements and resellers' commission
// invoices — list, get, the PDF, and a commission invoice's life: create (draft), issue, mark
// paid, void. Who sees what: domain/invoice-scope.ts.
import { z } from 'zod';
import { pageSchema } from '@runfleet/contracts';
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import type { Request } from 'express';
import { actorOf } from '../domain/actor';
import { createCommissionInvoice } from '../domain/create-commission-invoice';
import { issueInvoice, type InvoicePolicy } from '../domain/issue-invoice';
import { getInvoice, getInvoiceToPrint, listInvoices } from '../domain/read-invoices';
import { markInvoicePaid, voidInvoice } from '../domain/settle-invoice';
import type { UseCaseDeps } from '../domain/use-case-deps';
import { idParams } from './common.schemas';
import { renderInvoicePdf, type Seller } from './invoice-pdf';
import {
  createInvoiceBody,
  INVOICE_EXAMPLE_ID,
  invoiceJson,
  invoiceListQuery,
  invoiceSchema,
  invoiceSummaryJson,
  invoiceSummarySchema,
  payInvoiceBody,
  voidInvoiceBody,
} from './invoices.schemas';

export interface InvoiceRouteDeps extends UseCaseDeps {
  invoicePolicy: InvoicePolicy;
  seller: Seller;
}

const params = idParams('invoiceId', INVOICE_EXAMPLE_ID);
const utcDate = (value: string | undefined): Date | undefined => (value === undefined ? undefined : new Date(`${value}T00:00:00.000Z`));

export function registerInvoiceRoutes(api: ApiRoutes, deps: InvoiceRouteDeps): void {
  const actor = (req: Request) => actorOf(principalFromRequest(req));

  api.route(
    {
      method: 'get',
      path: '/v1/invoices',
      summary: 'List invoices',
      description:
        'Invoices the caller may see, newest first: an admin all; a reseller its commission invoices and its customers’ statements; a customer its own statements. Filters `kind`, `status`, `customerId`, `resellerId`, `periodFrom`, `periodTo`.',
      tags: ['invoices'],
      request: { query: invoiceListQuery },
      responses: { 200: { description: 'A page of invoices (without lines)', schema: pageSchema(invoiceSummarySchema) } },
      errors: [403],
    },
    async ({ query }, req, res) => {
      const page = await listInvoices(deps, actor(req), { ...query, periodFrom: utcDate(query.periodFrom), periodTo: utcDate(query.periodTo) });
      res.json({ items: page.items.map(invoiceSummaryJson), nextCursor: page.nextCursor });
    },
  );

  // Before /v1/invoices/:invoiceId, whose parameter would otherwise take `<id>.pdf` too.
  api.route(
    {
      method: 'get',
      path: '/v1/invoices/:invoiceId.pdf',
      summary: 'Get an invoice as PDF',
      description: 'The invoice rendered as PDF: seller, buyer (by name as at issue time; a draft’s as now), number, lines and totals. An invoice the caller may not see is 404.',
      tags: ['invoices'],
      request: { params },
      responses: { 200: { description: 'The PDF', contentType: 'application/pdf', schema: z.string().meta({ format: 'binary' }) } },
      errors: [403, 404],
    },
    async ({ params: p }, req, res) => {
      const invoice = await getInvoiceToPrint(deps, actor(req), p.invoiceId);
      const pdf = await renderInvoicePdf(invoice, deps.seller);
      res.status(200);
      res.setHeader('Content-Type', 'application/pdf');
      res.setHeader('Content-Disposition', `inline; filename="${invoice.number ?? `draft-${invoice.id}`}.pdf"`);
      res.end(pdf);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/invoices/:invoiceId',
      summary: 'Get an invoice',
      description: 'The invoice with its lines. An invoice the caller may not see is 404.',
      tags: ['invoices'],
      request: { params },
      responses: { 200: { description: 'The invoice', schema: invoiceSchema } },
      errors: [403, 404],
    },
    async ({ params: p }, req, res) => {
      res.json(invoiceJson(await getInvoice(deps, actor(req), p.invoiceId)));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/invoices',
      summary: 'Create a commission invoice',
      description:
        'A draft commission invoice of the reseller’s approved or paid commissions that are on no invoice yet (a payout may have paid them first; pending ones are not invoiced): one line per commission, by customer and month earned. A reseller invoices for itself; an admin names `resellerId`. 409 when there is nothing to invoice. Statements are not created here: the monthly run issues them.',
      tags: ['invoices'],
      request: { body: createInvoiceBody },
      responses: { 201: { description: 'The draft', schema: invoiceSchema } },
      errors: [403, 409],
    },
    async ({ body }, req, res) => {
      const invoice = await createCommissionInvoice(deps, actor(req), { resellerId: body.resellerId, currency: body.currency });
      res.status(201).location(`/v1/invoices/${invoice.id}`).json(invoiceJson(invoice));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/invoices/:invoiceId/issue',
      summary: 'Issue an invoice',
      description:
        'Gives a draft the next number of its series in the year (`RF-2026-000123` for statements, `RFC-…` for commission invoices, gapless), its issue time and due date, and emits invoice.issued. An admin any draft; a reseller its own commission invoice. 409 unless a draft.',
      tags: ['invoices'],
      request: { params },
      responses: { 200: { description: 'The issued invoice', schema: invoiceSummarySchema } },
      errors: [403, 404, 409],
    },
    async ({ params: p }, req, res) => {
      res.json(invoiceSummaryJson(await issueInvoice(deps, actor(req), p.invoiceId, deps.invoicePolicy)));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/invoices/:invoiceId/pay',
      summary: 'Mark an invoice paid',
      description: 'Admins only. 409 unless issued.',
      tags: ['invoices'],
      request: { params, body: payInvoiceBody },
      responses: { 200: { description: 'The paid invoice', schema: invoiceSummarySchema } },
      errors: [403, 404, 409],
    },
    async ({ params: p, body }, req, res) => {
      res.json(invoiceSummaryJson(await markInvoicePaid(deps, actor(req), p.invoiceId, { reference: body.reference })));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/invoices/:invoiceId/void',
      summary: 'Void an invoice',
      description:
        'An admin voids a draft or an issued invoice; a reseller its own commission invoice while a draft. A voided invoice keeps its number; its commissions can be invoiced again. 409 when paid or void already.',
      tags: ['invoices'],
      request: { params, body: voidInvoiceBody },
      responses: { 200: { description: 'The void invoice', schema: invoiceSummarySchema } },
      errors: [403, 404, 409],
    },
    async ({ params: p, body }, req, res) => {
      res.json(invoiceSummaryJson(await voidInvoice(deps, actor(req), p.invoiceId, { reason: body.reason })));
    },
  );
}
