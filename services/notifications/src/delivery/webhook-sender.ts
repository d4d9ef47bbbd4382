// One signed POST of a webhook delivery (issue 17 items 2 and 4): Standard Webhooks headers, a 15 s
// budget for the whole exchange, no redirects (undici's request never follows them unless told),
// the response read up to 4 KB and the rest dropped, and the SSRF guard on the address connected to.
// undici rather than fetch: its Agent takes the `lookup` that pins the checked address, and keeps
// connections to each receiver alive between deliveries.
import { Agent } from 'undici';
import { addressRefusal, AddressRefusedError, guardedLookup, literalAddress, type AddressPolicy } from '../domain/address-guard';
import { signatureHeader } from '../domain/webhook-secret';

export const RESPONSE_BODY_LIMIT = 4096;

export type AttemptOutcome = 'succeeded' | 'failed' | 'timeout' | 'refused' | 'error';

export interface AttemptResult {
  outcome: AttemptOutcome;
  responseStatus: number | null;
  durationMs: number;
  /** the response body, cut at 4 KB */
  responseBody: string | null;
  /** why there was no usable response (refused address, timeout, network error) */
  error: string | null;
}

export interface WebhookMessage {
  url: string;
  messageId: string;
  body: string;
  /** the endpoint's current secret, and during a rotation's overlap the previous one */
  keys: readonly Buffer[];
}

export interface SenderOptions extends AddressPolicy {
  timeoutMs: number;
}

export class WebhookSender {
  private readonly agent: Agent;

  constructor(private readonly options: SenderOptions) {
    this.agent = new Agent({
      connect: { lookup: guardedLookup(options), timeout: options.timeoutMs },
      // No cap per origin: endpoints of different accounts often share a host (a webhook relay
      // service), and a capped pool would let one hanging endpoint's requests queue the others'
      // behind it. Requests in flight are bounded by the dispatcher's limits instead.
      connections: null,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: 4_000,
    });
  }

  async send(message: WebhookMessage, now: Date = new Date()): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let url: URL;
    try {
      url = new URL(message.url);
    } catch {
      return { outcome: 'refused', responseStatus: null, durationMs: 0, responseBody: null, error: 'the URL does not parse' };
    }
    // An IP literal is connected to without a lookup, so it is checked here.
    const literal = literalAddress(url.hostname);
    const refusal = literal === null ? null : addressRefusal(literal, this.options);
    if (refusal) return { outcome: 'refused', responseStatus: null, durationMs: 0, responseBody: null, error: refusal };

    const timestamp = Math.floor(now.getTime() / 1000);
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const response = await this.agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Runfleet-Webhooks/1',
          'webhook-id': message.messageId,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signatureHeader(message.keys, message.messageId, timestamp, message.body),
        },
        body: message.body,
        signal,
      });
      const responseBody = await readCapped(response.body);
      const status = response.statusCode;
      const location = response.headers.location;
      return {
        outcome: status >= 200 && status < 300 ? 'succeeded' : 'failed',
        responseStatus: status,
        durationMs: elapsed(),
        responseBody,
        // A redirect is a failed attempt: following it could lead anywhere the guard was not asked about.
        error: status >= 300 && status < 400 ? `redirect not followed${typeof location === 'string' ? ` (to ${location.slice(0, 200)})` : ''}` : null,
      };
    } catch (err) {
      return failure(err, elapsed(), signal.aborted, this.options.timeoutMs);
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/** Reads at most RESPONSE_BODY_LIMIT bytes, then drops the connection's remaining body. */
async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= RESPONSE_BODY_LIMIT) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT).toString('utf8');
}

const UNDICI_TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

function failure(err: unknown, durationMs: number, timedOut: boolean, timeoutMs: number): AttemptResult {
  const base = { responseStatus: null, durationMs, responseBody: null };
  const refused = findCause(err, (e) => e instanceof AddressRefusedError);
  if (refused) return { ...base, outcome: 'refused', error: refused.message };
  const cause = findCause(err, (e) => 'code' in e) ?? (err instanceof Error ? err : null);
  const code = cause && 'code' in cause ? String((cause as { code: unknown }).code) : null;
  if (timedOut || (code !== null && UNDICI_TIMEOUTS.has(code))) {
    return { ...base, outcome: 'timeout', error: `no complete response within ${timeoutMs} ms` };
  }
  const text = cause?.message ?? String(err);
  return { ...base, outcome: 'error', error: code ? `${code}: ${text}` : text };
}

function findCause(err: unknown, test: (e: Error) => boolean): Error | null {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (test(e)) return e;
  }
  return null;
}
