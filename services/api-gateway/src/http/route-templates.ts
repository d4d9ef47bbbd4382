// The route label of a public request in metrics and access logs: the OpenAPI path template that
// owns it (`/v1/projects/{projectId}/archive`), learnt from the services' own documents through the
// merged /openapi.json (issue 12 item 9). A path no template matches is labelled with its routing
// table prefix, so labels stay bounded by what the services and the table declare, whatever
// paths clients send (DESIGN.md §9).
import type { MergeResult } from '../domain/openapi-merge';

interface Template {
  path: string;
  /** literal segments, or undefined where the template has a `{parameter}` */
  segments: (string | undefined)[];
  literals: number;
}

function compile(path: string): Template {
  const segments = path
    .split('/')
    .filter(Boolean)
    .map((segment) => (/^\{[^}]+\}$/.test(segment) ? undefined : segment));
  return { path, segments, literals: segments.filter((s) => s !== undefined).length };
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
      if (template.segments.every((s, i) => s === undefined || s === segments[i])) return template.path;
    }
    if (!this.complete && Date.now() - this.lastRefresh >= this.retryMs) void this.refresh();
    return undefined;
  }
}
