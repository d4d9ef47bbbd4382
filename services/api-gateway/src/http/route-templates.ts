// The route label of a public request in metrics and access logs: the OpenAPI path template that
// owns it (`/v1/projects/{projectId}/archive`), learnt from the services' own documents through the
// merged /openapi.json (issue 12 item 9). A path no template matches is labelled with its routing
// table prefix, so labels stay bounded by what the services and the table declare, whatever
// paths clients send (DESIGN.md §9).
import type { MergeResult } from '../domain/openapi-merge';

/** A template segment: a literal, a `{parameter}`, or a parameter with a literal suffix (`{invoiceId}.pdf`). */
type Segment = { literal: string } | { suffix: string };

interface Template {
  path: string;
  segments: Segment[];
  /** literal segments count 2, suffixed parameters 1: `/v1/invoices/{id}.pdf` wins over `/v1/invoices/{id}` */
  literals: number;
}

function compile(path: string): Template {
  const segments = path
    .split('/')
    .filter(Boolean)
    .map((segment): Segment => {
      const parameter = /^\{[^}]+\}(.*)$/.exec(segment);
      return parameter ? { suffix: parameter[1]! } : { literal: segment };
    });
  const literals = segments.reduce((n, s) => n + ('literal' in s ? 2 : s.suffix ? 1 : 0), 0);
  return { path, segments, literals };
}

function matches(segment: Segment, actual: string | undefined): boolean {
  if ('literal' in segment) return segment.literal === actual;
  return actual !== undefined && actual.length > segment.suffix.length && actual.endsWith(segment.suffix);
}

export class RouteTemplates {
  // By segment count, most literal segments first: `/v1/jobs/stats` wins over `/v1/jobs/{jobId}`.
  private bySize = new Map<number, Template[]>();
  private complete = false;
  private refreshing: Promise<void> | undefined;
  private lastRefresh = 0;

  constructor(
    /** the merged document (ApiDocs.merged), cached there */
    private readonly load: () => Promise<MergeResult>,
    /** how soon a lookup that missed while some service's document was unavailable may reload */
    private readonly retryMs = 10_000,
  ) {}

  /** Loads (or reloads) the templates; a failure keeps the previous ones. */
  refresh(now = Date.now()): Promise<void> {
    this.lastRefresh = now;
    this.refreshing ??= this.load()
      .then(({ document, missing }) => {
        this.use(Object.keys((document as { paths?: Record<string, unknown> }).paths ?? {}));
        this.complete = missing.length === 0;
      })
      .catch(() => undefined)
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  use(paths: readonly string[]): void {
    const bySize = new Map<number, Template[]>();
    for (const path of paths) {
      const template = compile(path);
      const list = bySize.get(template.segments.length) ?? [];
      list.push(template);
      bySize.set(template.segments.length, list);
    }
    for (const list of bySize.values()) list.sort((a, b) => b.literals - a.literals);
    this.bySize = bySize;
  }

  /** The template of `path` (no query), or undefined; a miss while documents are missing schedules a reload. */
  templateOf(path: string): string | undefined {
    const segments = path.split('/').filter(Boolean);
    for (const template of this.bySize.get(segments.length) ?? []) {
      if (template.segments.every((s, i) => matches(s, segments[i]))) return template.path;
    }
    if (!this.complete && Date.now() - this.lastRefresh >= this.retryMs) void this.refresh();
    return undefined;
  }
}
