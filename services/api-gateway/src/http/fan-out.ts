// The fan-out views the gateway serves itself (DESIGN.md §2 "api-gateway", §6; issue 18 item 6): a
// view's reads (domain/fan-out-views.ts) go to their services in parallel, each with the caller's
// signed principal, its own timeout and through its service's circuit breaker (upstreams.ts), and the view
// degrades rather than fails: a section whose service is down, slow or open-circuited is marked
// unavailable and the answer is still 200, `partial: true`, naming the sections it lacks. A section
// is read only when the key's scopes grant every operation it reads (the gateway's one scope
// table), so a view never shows more than the key could read one request at a time.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CORRELATION_HEADER, PRINCIPAL_HEADER, requiredScopeOf, scopesGrant, type ApiScope } from '@runfleet/contracts';
import { AppError, requestContextOf, type Logger } from '@runfleet/service-kit';
import { planCustomerOverview, planResellerDashboard, type SectionPlan, type ServiceRead, type ViewPlan } from '../domain/fan-out-views';
import type { VerifiedCredential } from '../domain/verified-credential';
import type { GatewayMetrics } from './gateway-metrics';
import type { PrincipalSigner } from './principal-signer';
import { readResponse } from './proxy';
import type { UpstreamName, ViewRoute } from './routing-table';
import type { Upstreams } from './upstreams';

export type SectionOutcome =
  | { status: 'ok'; data: unknown }
  | { status: 'unavailable'; service: UpstreamName; code: string; detail: string }
  | { status: 'forbidden'; code: string; detail: string };

/** A read's answer: its JSON body, its service's refusal (a 4xx, kept whole), or its service unavailable. */
type ReadOutcome =
  | { kind: 'ok'; body: unknown }
  | { kind: 'refused'; status: number; contentType: string; body: Buffer; code: string; detail: string }
  | { kind: 'unavailable'; service: UpstreamName; code: string; detail: string };

export interface FanOutOptions {
  upstreams: Upstreams;
  signer: PrincipalSigner;
  /** each read's time to its whole answer; past it the section is unavailable (UPSTREAM_TIMEOUT) */
  readTimeoutMs: number;
  responseLimitBytes: number;
  metrics: GatewayMetrics;
  logger: Logger;
}

export interface ViewClient {
  ip: string;
  protocol: string;
}

function problemOf(body: Buffer): { code: string; detail: string } {
  try {
    const problem = JSON.parse(body.toString('utf8')) as { code?: unknown; detail?: unknown };
    return { code: typeof problem.code === 'string' ? problem.code : 'UPSTREAM_REFUSED', detail: typeof problem.detail === 'string' ? problem.detail : '' };
  } catch {
    return { code: 'UPSTREAM_REFUSED', detail: '' };
  }
}

export class FanOut {
  constructor(private readonly options: FanOutOptions) {}

  /** Answers the view at `path` for the authenticated `credential` (scope and rate limit already applied). */
  async serve(req: IncomingMessage, res: ServerResponse, route: ViewRoute, path: string, credential: VerifiedCredential, client: ViewClient): Promise<void> {
    const { principal } = credential;
    const plan: ViewPlan =
      route.view === 'customer-overview' ? planCustomerOverview(principal, path.split('/').filter(Boolean)[2] ?? '') : planResellerDashboard(principal);
    // The client leaving aborts every read still in flight; it does not count against a breaker.
    const left = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) left.abort();
    };
    res.once('close', onClose);
    const headers: Record<string, string> = {
      accept: 'application/json',
      [PRINCIPAL_HEADER]: this.options.signer.tokenFor(credential),
      'x-forwarded-for': client.ip,
      'x-forwarded-proto': client.protocol,
    };
    const correlationId = requestContextOf(req)?.correlationId;
    if (correlationId) headers[CORRELATION_HEADER] = correlationId;

    let outcomes: { section: SectionPlan; reads: ReadOutcome[] | SectionOutcome }[];
    try {
      outcomes = await Promise.all(
        plan.sections.map(async (section) => {
          const withheld = this.withheld(section, principal.scopes);
          if (withheld) return { section, reads: withheld };
          return { section, reads: await Promise.all(section.reads.map((read) => this.read(read, headers, left.signal))) };
        }),
      );
    } finally {
      res.off('close', onClose);
    }
    if (left.signal.aborted) return;

    // The object's owner refused the caller: that is the whole answer, as the service gave it —
    // but about the caller's own request: a problem's `instance` names the view's path, not the
    // service read behind it.
    const authority = outcomes.find((o) => o.section.name === plan.authority);
    const refusal = authority && Array.isArray(authority.reads) ? authority.reads.find((r) => r.kind === 'refused') : undefined;
    if (refusal?.kind === 'refused') {
      res.statusCode = refusal.status;
      res.setHeader('content-type', refusal.contentType);
      res.setHeader('cache-control', 'no-store');
      res.end(withInstance(refusal.body, path));
      return;
    }

    const sections: Record<string, SectionOutcome> = {};
    for (const { section, reads } of outcomes) sections[section.name] = Array.isArray(reads) ? this.compose(section, reads) : reads;
    const unavailable = Object.keys(sections).filter((name) => sections[name]!.status === 'unavailable');
    if (unavailable.length > 0) this.options.logger.warn({ view: route.view, unavailable }, 'fan-out view answered without some sections');
    const subject = route.view === 'customer-overview' ? { customerId: path.split('/').filter(Boolean)[2] } : { resellerId: principal.id };
    const body = JSON.stringify({ ...subject, partial: unavailable.length > 0, unavailable, sections, generatedAt: new Date().toISOString() });
    res.statusCode = 200;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    // one account's own figures: never kept by a shared cache
    res.setHeader('cache-control', 'no-store');
    res.end(body);
  }

  /** The section as forbidden when the key's scopes do not grant every operation it reads, or the plan withholds it. */
  private withheld(section: SectionPlan, scopes: readonly string[]): SectionOutcome | undefined {
    if (section.withheld) return { status: 'forbidden', ...section.withheld };
    for (const read of section.reads) {
      const required: ApiScope | undefined = requiredScopeOf('GET', read.path);
      if (required === undefined) return { status: 'forbidden', code: 'AUTH_OPERATION_UNDECLARED', detail: `GET ${read.path} declares no scope.` };
      if (!scopesGrant(scopes, required)) return { status: 'forbidden', code: 'AUTH_SCOPE_MISSING', detail: `This key lacks the scope ${required} this section reads.` };
    }
    return undefined;
  }

  private compose(section: SectionPlan, reads: ReadOutcome[]): SectionOutcome {
    const down = reads.find((r) => r.kind === 'unavailable');
    if (down?.kind === 'unavailable') return { status: 'unavailable', service: down.service, code: down.code, detail: down.detail };
    const refused = reads.find((r) => r.kind === 'refused');
    if (refused?.kind === 'refused') return { status: 'forbidden', code: refused.code, detail: refused.detail };
    try {
      return { status: 'ok', data: section.compose(reads.map((r) => (r.kind === 'ok' ? r.body : undefined))) };
    } catch (err) {
      // an answer not shaped as the operation documents: that section is lost, not the view
      const service = section.reads[0]!.service;
      this.options.logger.warn({ err, service, section: section.name }, 'a fan-out read answered something the view cannot use');
      return { status: 'unavailable', service, code: 'UPSTREAM_FAILED', detail: `The ${service} service answered something this view cannot use.` };
    }
  }

  private async read(read: ServiceRead, headers: Record<string, string>, left: AbortSignal): Promise<ReadOutcome> {
    const { service } = read;
    const upstream = this.options.upstreams[service];
    // Aborted as the client leaving is (an AbortError): a view's tighter budget says nothing of the
    // service's health, so it must not open the breaker for everyone's forwarded requests. The
    // service's own unavailability — refused connections, undici's timeouts, 502/503/504 — still counts.
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(), this.options.readTimeoutMs);
    const query = read.query ? `?${new URLSearchParams(read.query).toString()}` : '';
    const started = process.hrtime.bigint();
    const observe = (status: string) => this.options.metrics.upstreamDuration.observe({ upstream: service, status }, Number(process.hrtime.bigint() - started) / 1e9);
    const unavailable = (code: string, detail: string): ReadOutcome => ({ kind: 'unavailable', service, code, detail });
    try {
      const response = await upstream.request({ method: 'GET', path: `${read.path}${query}`, headers, signal: AbortSignal.any([left, timer.signal]) });
      observe(String(response.statusCode));
      const body = await readResponse(response, service, this.options.responseLimitBytes);
      if (response.statusCode >= 500) return unavailable(response.statusCode === 504 ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE', `The ${service} service answered ${response.statusCode}.`);
      if (response.statusCode >= 400) {
        const contentType = response.headers['content-type'];
        return { kind: 'refused', status: response.statusCode, contentType: typeof contentType === 'string' ? contentType : 'application/problem+json', body, ...problemOf(body) };
      }
      return { kind: 'ok', body: JSON.parse(body.toString('utf8')) as unknown };
    } catch (err) {
      observe('error');
      if (timer.signal.aborted) return unavailable('UPSTREAM_TIMEOUT', `The ${service} service did not answer within ${this.options.readTimeoutMs} ms.`);
      if (err instanceof AppError && err.status >= 500) return unavailable(err.code, err.detail ?? `The ${service} service is unavailable.`);
      if (left.aborted) return unavailable('REQUEST_ABORTED', 'The client left.');
      this.options.logger.warn({ err, service, path: read.path }, 'a fan-out read failed');
      return unavailable('UPSTREAM_FAILED', `The ${service} service failed to answer.`);
    } finally {
      clearTimeout(timeout);
    }
  }
}

/** A problem body with its `instance` set to `path`; any other body as it is. */
function withInstance(body: Buffer, path: string): Buffer {
  try {
    const problem = JSON.parse(body.toString('utf8')) as unknown;
    if (!problem || typeof problem !== 'object' || Array.isArray(problem) || !('instance' in problem)) return body;
    return Buffer.from(JSON.stringify({ ...problem, instance: path }));
  } catch {
    return body;
  }
}
