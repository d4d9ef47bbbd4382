// Billing's invoice PDFs over internal HTTP (issue 17 item 5): GET /internal/invoices/{id}.pdf on
// BILLING_URL as the signed `service` principal `notifications` (DESIGN.md §7: services accept only
// signed principals; billing lets this one read any issued invoice). Bounded by connect, header and
// body timeouts; with several replicas listed (comma-separated, as the gateway takes them) a failed
// one is followed by the next. Any failure throws, and the email is retried later.
import { CORRELATION_HEADER, PRINCIPAL_HEADER } from '@runfleet/contracts';
import { currentCorrelationId, signPrincipal } from '@runfleet/service-kit';
import { Agent, request } from 'undici';
import type { InvoicePdf, InvoicePdfs } from '../domain/invoice-attachment';

export const NOTIFICATIONS_SERVICE_ID = 'notifications';
const PRINCIPAL_SECONDS = 60;
/** an invoice PDF is a few KB; anything near this is not one */
const MAX_PDF_BYTES = 10 * 1024 * 1024;

export class BillingUnavailableError extends Error {
  readonly code = 'BILLING_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BillingUnavailableError';
  }
}

export interface BillingInvoicePdfs extends InvoicePdfs {
  close(): Promise<void>;
}

export function billingInvoicePdfs(options: { billingUrls: string[]; principalSecret: string; timeoutMs: number }): BillingInvoicePdfs {
  const agent = new Agent({ connect: { timeout: options.timeoutMs }, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs });
  const token = () =>
    signPrincipal(
      { type: 'service', id: NOTIFICATIONS_SERVICE_ID, resellerId: null, scopes: [], exp: Math.floor(Date.now() / 1000) + PRINCIPAL_SECONDS },
      options.principalSecret,
    );

  async function fetchFrom(origin: string, invoiceId: string): Promise<InvoicePdf> {
    const headers: Record<string, string> = { [PRINCIPAL_HEADER]: token(), accept: 'application/pdf' };
    const correlationId = currentCorrelationId();
    if (correlationId) headers[CORRELATION_HEADER] = correlationId;
    const url = new URL(`/internal/invoices/${encodeURIComponent(invoiceId)}.pdf`, origin);
    const response = await request(url, { method: 'GET', headers, dispatcher: agent });
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new BillingUnavailableError(`billing answered ${response.statusCode} for invoice ${invoiceId}`);
    }
    const length = Number(response.headers['content-length'] ?? 0);
    if (length > MAX_PDF_BYTES) {
      await response.body.dump();
      throw new BillingUnavailableError(`invoice ${invoiceId} PDF is ${length} bytes`);
    }
    const pdf = Buffer.from(await response.body.arrayBuffer());
    const header = (name: string) => {
      const value = response.headers[name];
      return typeof value === 'string' ? value : '';
    };
    return {
      pdf,
      kind: header('x-runfleet-invoice-kind'),
      number: header('x-runfleet-invoice-number'),
      customerId: header('x-runfleet-invoice-customer-id') || null,
      resellerId: header('x-runfleet-invoice-reseller-id') || null,
    };
  }

  return {
    async fetch(invoiceId) {
      let last: unknown;
      for (const origin of options.billingUrls) {
        try {
          return await fetchFrom(origin, invoiceId);
        } catch (err) {
          last = err;
        }
      }
      if (last instanceof BillingUnavailableError) throw last;
      // undici's own message (ECONNREFUSED, timeouts) names no secret; the principal stays in headers.
      const detail = last instanceof Error ? `${(last as { code?: string }).code ?? last.name}: ${last.message}` : 'request failed';
      throw new BillingUnavailableError(`billing unreachable (${detail})`, { cause: last });
    },
    close: () => agent.close(),
  };
}
