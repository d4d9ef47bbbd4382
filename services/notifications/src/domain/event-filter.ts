// An endpoint's event-type filter (issue 17 item 1): exact names (`job.completed`), a namespace
// wildcard (`job.*`, matching `job.completed` and `job.failed` but not `jobs.x`), or `*` for all.
export const EVENT_TYPE_PATTERN = /^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$/;

export function matchesEventType(patterns: readonly string[], type: string): boolean {
  return patterns.some((pattern) => {
    if (pattern === '*') return true;
    if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
    return pattern === type;
  });
}
