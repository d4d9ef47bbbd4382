// A list endpoint as a table: `?limit&cursor` in, `{ items, nextCursor }` out
// (packages/contracts/src/pagination.ts). Keeps the cursors it has seen so "Previous" works too,
// shows progress while a page loads, and can read the page shown again while it is still changing.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api, type Query } from '../api/client';
import type { Page } from '../api/types';
import { ErrorNotice } from './error-notice';
import { Progress } from './progress';

export interface Column<T> {
  header: string;
  cell(item: T): ReactNode;
}

export interface PagedListProps<T> {
  /** the list endpoint, e.g. `/v1/projects` */
  path: string;
  /** filters besides limit and cursor */
  query?: Query;
  columns: Column<T>[];
  rowKey(item: T): string;
  /** accessible name of the table */
  caption: string;
  empty?: ReactNode;
  limit?: number;
  /** change it (e.g. a counter) to load the first page again after a write */
  reloadKey?: unknown;
  /** while it holds for the page shown (e.g. a delivery still pending), that page is read again every `pollMs` */
  pollWhile?(items: T[]): boolean;
  pollMs?: number;
}

export function PagedList<T>({ path, query, columns, rowKey, caption, empty = 'Nothing here yet.', limit = 20, reloadKey, pollWhile, pollMs = 2000 }: PagedListProps<T>) {
  // cursors[i] is the cursor of page i; page 0 has none
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [pageIndex, setPageIndex] = useState(0);
  const [page, setPage] = useState<Page<T> | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  // the page shown is not yet the one asked for (another page, a reload): say so, and keep the pager still
  const [loading, setLoading] = useState(true);
  const [pollCount, setPollCount] = useState(0);
  const queryKey = JSON.stringify(query ?? {});

  useEffect(() => {
    setCursors([undefined]);
    setPageIndex(0);
  }, [path, queryKey, reloadKey]);

  const cursor = cursors[pageIndex];
  useEffect(() => {
    const controller = new AbortController();
    setError(undefined);
    setLoading(true);
    api
      .get<Page<T>>(path, { query: { ...(JSON.parse(queryKey) as Query), limit, cursor }, signal: controller.signal })
      .then((next) => {
        setPage(next);
        setLoading(false);
      })
      .catch((err: unknown) => {
        if (!controller.signal.aborted) {
          setError(err);
          setLoading(false);
        }
      });
    return () => controller.abort();
  }, [path, queryKey, limit, cursor, reloadKey]);

  // reads the same page again (same cursor) while `pollWhile` says it is still changing
  const pollWhileRef = useRef(pollWhile);
  pollWhileRef.current = pollWhile;
  useEffect(() => {
    if (loading || !page || !pollWhileRef.current?.(page.items)) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api
        .get<Page<T>>(path, { query: { ...(JSON.parse(queryKey) as Query), limit, cursor }, signal: controller.signal })
        .then((next) => {
          setPage(next);
          setPollCount((n) => n + 1);
        })
        // a failed poll is tried again at the next tick; the page shown stays
        .catch(() => {
          if (!controller.signal.aborted) setPollCount((n) => n + 1);
        });
    }, pollMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [page, loading, pollCount, path, queryKey, limit, cursor, pollMs]);

  function next() {
    if (!page?.nextCursor) return;
    const nextCursor = page.nextCursor;
    setCursors((seen) => [...seen.slice(0, pageIndex + 1), nextCursor]);
    setPageIndex((i) => i + 1);
  }

  if (error) return <ErrorNotice error={error} />;
  if (!page) return <Progress label={`Loading ${caption.toLowerCase()}`} />;

  return (
    <div className="paged-list" aria-busy={loading}>
      {page.items.length === 0 ? (
        <p>{empty}</p>
      ) : (
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.header} scope="col">
                  {c.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {page.items.map((item) => (
              <tr key={rowKey(item)}>
                {columns.map((c) => (
                  <td key={c.header}>{c.cell(item)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label={`${caption} pages`}>
        <button type="button" onClick={() => setPageIndex((i) => Math.max(0, i - 1))} disabled={loading || pageIndex === 0}>
          Previous
        </button>
        <span>Page {pageIndex + 1}</span>
        <button type="button" onClick={next} disabled={loading || !page.nextCursor}>
          Next
        </button>
        {loading && <Progress label={`Loading page ${pageIndex + 1}`} />}
      </nav>
    </div>
  );
}
