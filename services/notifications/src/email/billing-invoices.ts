// Billing's invoice PDFs over internal HTTP (issue 17 item 5): GET /internal/invoices/{id}.pdf on
// BILLING_URL as the signed `service` principal `notifications` (DESIGN.md §7: services accept only
// signed principals; billing lets this one read any issued invoice). Bounded by connect, header and
// body timeouts; with several replicas listed (comma-separated, as the gateway takes them) a failed
// one is followed by the next; behind an opossum circuit breaker (DESIGN.md §6), so while billing
// is down or hanging, invoice mail fails at once instead of each holding a sending slot until its
// timeout. Any failure throws, and the email is retried later.
import { CORRELATION_HEADER, PRINCIPAL_HEADER } from '@runfleet/contracts';
import { currentCorrelationId, signPrincipal } from '@runfleet/service-kit';
import CircuitBreaker from 'opossum';
import { Agent, request } from 'undici';
import type { InvoicePdf, InvoicePdfs } from '../domain/invoice-attachment';

export const NOTIFICATIONS_SERVICE_ID = 'notifications';
const PRINCIPAL_SECONDS = 60;
/** an invoice PDF is a few KB; anything near this is not one */
const MAX_PDF_BYTES = 10 * 1024 * 1024;

export class BillingUnavailableError extends Error {
  readonly code = 'BILLING_UNAVAILABLE';
  /** billing's answer, when it gave one */
  readonly status: number | undefined;
  /** down, timing out or failing (not a 4xx about this invoice): retried until billing answers */
  readonly transient: boolean;
  constructor(message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options);
    this.name = 'BillingUnavailableError';
    this.status = options?.status;
    this.transient = this.status === undefined || this.status >= 500;
  }
}

export interface BillingInvoicePdfs extends InvoicePdfs {
  close(): Promise<void>;
}

export interface BillingInvoicePdfsOptions {
  billingUrls: string[];
  principalSecret: string;
  timeoutMs: number;
  /** how long the breaker stays open before it lets one read through to try billing again */
  breakerResetMs?: number;
}

export function billingInvoicePdfs(options: BillingInvoicePdfsOptions): BillingInvoicePdfs {
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
      throw new BillingUnavailableError(`billing answered ${response.statusCode} for invoice ${invoiceId}`, { status: response.statusCode });
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

  async function fetchAny(invoiceId: string): Promise<InvoicePdf> {
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
  }

  const breaker = new CircuitBreaker(fetchAny, {
    name: 'billing-invoice-pdfs',
    // undici's timeouts bound every read; a second timer would only race them.
    timeout: false,
    errorThresholdPercentage: 50,
    volumeThreshold: 3,
    rollingCountTimeout: 10_000,
    resetTimeout: options.breakerResetMs ?? 10_000,
    // a 4xx is about one invoice (or our principal), not billing being down: it opens nothing
    errorFilter: (err: unknown) => err instanceof BillingUnavailableError && err.status !== undefined && err.status < 500,
    rollingPercentilesEnabled: false,
    enableSnapshots: false,
  });

  return {
    async fetch(invoiceId) {
      try {
        return await breaker.fire(invoiceId);
      } catch (err) {
        if (err instanceof BillingUnavailableError) throw err;
        // opossum's own refusal while open (EOPENBREAKER)
        throw new BillingUnavailableError(`billing unavailable (${(err as { code?: string }).code ?? 'breaker'}: ${(err as Error).message})`, { cause: err });
      }
    },
    close: () => {
      breaker.shutdown();
      return agent.close();
    },
  };
}
